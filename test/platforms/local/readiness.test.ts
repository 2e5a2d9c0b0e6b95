/** Readiness of a TLS workload: a certificate the loader would not trust fails the deploy at once, saying why, instead of waiting out the ready timeout. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RunError } from '../../../src/errors.ts';
import { waitForProbe } from '../../../src/platforms/local/readiness.ts';
import { createWorkloadCertificates } from '../../../src/platforms/workload-tls.ts';
import { listenWorkload } from '../../../src/workload/listen.ts';
import { targetUrl } from '../../../src/workload/protocol.ts';

test('https and h2: ready with the run\'s CA; with another CA a RunError at once, naming the verification failure', async () => {
  const ours = await createWorkloadCertificates(mkdtempSync(join(tmpdir(), 'ready-tls-')));
  const theirs = await createWorkloadCertificates(mkdtempSync(join(tmpdir(), 'ready-tls-')));
  for (const protocol of ['https', 'h2'] as const) {
    const w = await listenWorkload(protocol, { payloadBytes: 16, serviceDelayUs: 0, errorRate: 0 }, '127.0.0.1', 0, ours);
    try {
      const url = targetUrl(protocol, '127.0.0.1', w.port);
      await waitForProbe(url, 0, 10_000, new AbortController().signal, ours.trust);
      const t0 = Date.now();
      const e = await waitForProbe(url, 0, 10_000, new AbortController().signal, theirs.trust).then(
        () => assert.unreachable(`${protocol}: ready with a CA that did not sign the workload`),
        (error: unknown) => error,
      );
      assert.instance(e, RunError, protocol);
      assert.match((e as RunError).what, /^the workload's TLS certificate is not trusted by the loader: unable to verify the first certificate \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
      assert.match((e as RunError).where ?? '', new RegExp(`probe of ${protocol}://127\\.0\\.0\\.1:${w.port}/`));
      assert.ok(Date.now() - t0 < 5_000, `${protocol}: failed after ${Date.now() - t0} ms, not at once`);
    } finally {
      w.close();
    }
  }
});

test.run();
