/** istiod's /debug/syncz read as istioctl proxy-status reads it: in sync only when every type sent was acked. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { notSynced, parseSyncz } from '../../../../src/platforms/local/istiod/sync.ts';

const CDS = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
const LDS = 'type.googleapis.com/envoy.config.listener.v3.Listener';
// The shape of pilot/pkg/xds/debug.go's SyncStatus at the pinned istio.io/istio version.
const entry = (pod: string, lds: { sent: string; acked?: string; lastError?: string }) => ({
  cluster_id: 'Kubernetes',
  proxy: `sidecar~198.18.2.2~${pod}.meshbench-t3~meshbench-t3.svc.cluster.local`,
  proxy_type: 'sidecar',
  cluster_sent: 'a1', cluster_acked: 'a1', listener_sent: lds.sent, listener_acked: lds.acked ?? '',
  resources: { [CDS]: { sent: 'a1', acked: 'a1', sentTime: '2026-12-07T15:00:00Z' }, [LDS]: { ...lds, sentTime: '2026-12-07T15:00:00Z' } },
});

test('both proxies acked every type sent: in sync', () => {
  const status = parseSyncz(JSON.stringify([entry('loadgen', { sent: 'b2', acked: 'b2' }), entry('workload', { sent: 'c3', acked: 'c3' })]));
  assert.equal(status[0]!.types.map((t) => t.type), [CDS, LDS]);
  assert.is(notSynced(status, ['loadgen.meshbench-t3', 'workload.meshbench-t3']), null);
});

test('a NACKed listener push: not in sync, and istiod\'s recorded error is said', () => {
  const status = parseSyncz(JSON.stringify([entry('loadgen', { sent: 'b2', acked: 'b2' }), entry('workload', { sent: 'c4', acked: 'c3', lastError: 'Didn\'t find a registered implementation for \'istio.alpn\'' })]));
  assert.is(notSynced(status, ['loadgen.meshbench-t3', 'workload.meshbench-t3']), `workload.meshbench-t3 has not acked ${LDS} (sent c4, acked c3; rejected: Didn't find a registered implementation for 'istio.alpn')`);
});

test('a proxy istiod does not list, or one sent nothing yet, is not in sync', () => {
  const bare = { proxy: 'sidecar~198.18.1.2~loadgen.meshbench-t3~meshbench-t3.svc.cluster.local' };
  assert.is(notSynced(parseSyncz(JSON.stringify([bare])), ['loadgen.meshbench-t3', 'workload.meshbench-t3']), 'loadgen.meshbench-t3 was sent no configuration yet; workload.meshbench-t3 is not connected to istiod');
});

test('the flat fields stand in where an entry has no resources map', () => {
  const flat = { proxy: 'workload.meshbench-t3', cluster_sent: 'x', cluster_acked: 'x', listener_sent: 'y', listener_acked: 'z' };
  assert.is(notSynced(parseSyncz(JSON.stringify([flat])), ['workload.meshbench-t3']), 'workload.meshbench-t3 has not acked listener (sent y, acked z)');
});

test('anything but a list is refused with what it was', () => {
  assert.throws(() => parseSyncz('{"error":"x"}'), /not a list: \{"error":"x"\}/);
});

test.run();
