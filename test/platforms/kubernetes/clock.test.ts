/**
 * A server's clock offset from its HTTP Date header (whole seconds, but a sharp turn from one
 * second to the next). Stand-in API servers on loopback send their Date header 2.3 s ahead, or
 * right, or none; the offset found must be that, within the uncertainty it states.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KubeClient } from '../../../src/platforms/kubernetes/client.ts';
import { formatOffset, measureClockOffset } from '../../../src/platforms/kubernetes/clock.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshbench-clock-'));
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });

async function serverAhead(aheadMs: number | null) {
  const server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => {
    if (aheadMs === null) res.sendDate = false;
    else res.setHeader('Date', new Date(Date.now() + aheadMs).toUTCString());
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"gitVersion":"v1.35.4"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'x', server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }], users: [{ name: 'u', token: 't' }], contexts: [{ name: 'x', cluster: 'x', user: 'u' }], currentContext: 'x' });
  return { client: new KubeClient(kc), close: () => server.close() };
}

test('a clock 2.3 s ahead is found 2.3 s ahead; a right one at 0, each within the uncertainty stated (at most 50 ms here)', async () => {
  for (const ahead of [2_300, 0, -700]) {
    const s = await serverAhead(ahead);
    try {
      const c = await measureClockOffset(s.client, '/version');
      assert.ok(c, 'no offset');
      assert.ok(c.uncertaintyMs <= 50, formatOffset(c));
      // The server's own Date is truncated to the second it is in, so its turn is exact: the
      // offset found is the real one within the uncertainty (plus a ms of rounding).
      assert.ok(Math.abs(c.offsetMs - ahead) <= c.uncertaintyMs + 1, `${ahead} ms ahead, found ${formatOffset(c)}`);
    } finally {
      s.close();
    }
  }
});

test('a server that sends no Date header: not measurable (null), said as such', async () => {
  const s = await serverAhead(null);
  try {
    const c = await measureClockOffset(s.client, '/version');
    assert.is(c, null);
    assert.is(formatOffset(c), 'not measurable (no Date header)');
  } finally {
    s.close();
  }
});

test.run();
