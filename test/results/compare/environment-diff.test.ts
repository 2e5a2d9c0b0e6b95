/** A difference of protocol is named (and refuses a measured comparison); absent means HTTP/1.1. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { blockingDifferences, differences } from '../../../src/results/compare/environment-diff.ts';
import { constant, fakeRun } from '../../fakes/results.ts';

const run = (protocol?: 'grpc') => {
  const r = fakeRun(() => ({ latenciesUs: constant(1_000), achievedRps: 1_000 }));
  if (protocol) r.environment = { ...r.environment, protocol };
  return r;
};

test('protocol: http1 (absent) against grpc is a blocking scenario difference; the same protocol is none', () => {
  const d = differences(run(), run('grpc')).find((x) => x.what === 'protocol');
  assert.equal(d, { what: 'protocol', baseline: 'http1', candidate: 'grpc', blocking: true, kind: 'scenario' });
  assert.ok(blockingDifferences(run(), run('grpc')).some((x) => x.what === 'protocol'));
  assert.not.ok(differences(run('grpc'), run('grpc')).some((x) => x.what === 'protocol'));
  assert.not.ok(differences(run(), run()).some((x) => x.what === 'protocol'));
});

test('which proxy the sidecars were is named as such, not as a version, and blocks; a proxy version is a version', () => {
  const envoy = run();
  envoy.environment = { ...envoy.environment, components: { sidecar: 'envoy', envoy: '1.40.0' } };
  const haproxy = run();
  haproxy.environment = { ...haproxy.environment, components: { sidecar: 'haproxy', haproxy: '2.6.12' } };
  const d = differences(haproxy, envoy);
  assert.equal(d.find((x) => x.what === 'sidecar proxy'), { what: 'sidecar proxy', baseline: 'haproxy', candidate: 'envoy', blocking: true, kind: 'environment' });
  assert.ok(d.some((x) => x.what === 'envoy version' && x.baseline === '(none)'));
  assert.not.ok(d.some((x) => x.what === 'sidecar version'));
});

test.run();
