/** The layout decision: namespaces when possible, a clear preflight error when a mesh needs them. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../../../src/errors.ts';
import { chooseLayout } from '../../../../src/platforms/local/netns/layout.ts';
import type { NetnsSupport } from '../../../../src/platforms/local/netns/probe.ts';

const can = async (): Promise<NetnsSupport> => ({ ok: true });
const cannot = async (): Promise<NetnsSupport> => ({ ok: false, reason: 'cannot create a network namespace: Operation not permitted', fix: 'run as root' });

test('by default: namespaces when this process can create them, loopback otherwise', async () => {
  assert.equal(await chooseLayout('auto', ['none', 'istio'], can), { layout: 'netns', reason: 'this process can create network namespaces' });
  assert.equal((await chooseLayout('auto', ['none', 'istio'], cannot)).layout, 'loopback');
});

test('loopback by default says why and how to get namespaces (no silent fall-back)', async () => {
  const noIptables = async (): Promise<NetnsSupport> => ({ ok: false, reason: 'iptables is not installed', fix: 'install it: `apt-get install -y iptables`' });
  assert.equal(await chooseLayout('auto', ['none', 'istio'], noIptables), { layout: 'loopback', reason: 'no network namespaces here: iptables is not installed; install it: `apt-get install -y iptables`' });
});

test('istio-ambient without namespaces is a usage error (exit 2) saying why and how', async () => {
  const e = await chooseLayout('auto', ['none', 'istio-ambient'], cannot).then(() => null, (x: unknown) => x);
  assert.instance(e, UsageError);
  assert.is((e as UsageError).exitCode, 2);
  assert.match((e as UsageError).what, /istio-ambient needs pods as network namespaces, and cannot create a network namespace: Operation not permitted/);
  assert.is((e as UsageError).fix, 'run as root');
});

test('a pinned layout is obeyed or refused, never silently changed', async () => {
  assert.equal((await chooseLayout('loopback', ['istio'], can)).layout, 'loopback');
  await chooseLayout('netns', ['istio'], cannot).then(() => assert.unreachable(), (e: unknown) => assert.match(String(e), /pins layout netns/));
  await chooseLayout('loopback', ['istio-ambient'], can).then(() => assert.unreachable(), (e: unknown) => assert.match(String(e), /pins layout loopback/));
});

test.run();
