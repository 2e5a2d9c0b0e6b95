/** The capability probe: yes as root (CI), a clear no for an unprivileged user. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { probeNetnsSupport, requireNetnsSupport } from '../../../../src/platforms/local/netns/probe.ts';
import { leftovers } from './netns-helpers.ts';

const probeModule = fileURLToPath(new URL('../../../../src/platforms/local/netns/probe.ts', import.meta.url));

test('as root the probe succeeds and leaves nothing behind', async () => {
  assert.equal(await probeNetnsSupport(), { ok: true });
  await requireNetnsSupport('istio-ambient');
  assert.equal(leftovers(`meshbench-probe-${process.pid}`), []);
});

test('as nobody the probe says what is missing, and the preflight is a usage error (exit 2)', () => {
  const script = `
    const { probeNetnsSupport, requireNetnsSupport } = await import(process.argv[1]);
    const support = await probeNetnsSupport();
    const error = await requireNetnsSupport('istio-ambient').then(() => null, (e) => e);
    console.log(JSON.stringify({ support, message: error?.message, fix: error?.fix, exitCode: error?.exitCode }));`;
  const out = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--input-type=module', '-e', script, probeModule], { encoding: 'utf8' });
  const r = JSON.parse(out) as { support: { ok: boolean; reason: string }; message: string; fix: string; exitCode: number };
  assert.is(r.support.ok, false);
  assert.match(r.support.reason, /cannot create a network namespace/);
  assert.match(r.message, /istio-ambient cannot run here/);
  assert.match(r.fix, /needs root, or CAP_NET_ADMIN and CAP_SYS_ADMIN/);
  assert.is(r.exitCode, 2);
});

test.run();
