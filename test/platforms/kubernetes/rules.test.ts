/** The pure rules behind preflight and the environment: selectors, placement, image tags, providers, the data-plane check. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { meshes } from '../../../src/meshes/index.ts';
import { checkDataPlane } from '../../../src/platforms/kubernetes/data-plane.ts';
import { guessProvider } from '../../../src/platforms/kubernetes/environment.ts';
import { selects } from '../../../src/platforms/kubernetes/label-selector.ts';
import { placementProblems, type NodeLike } from '../../../src/platforms/kubernetes/placement.ts';
import { lostReason } from '../../../src/platforms/kubernetes/pod-watch.ts';
import type { PodLike } from '../../../src/platforms/kubernetes/ready.ts';
import { imageTag, nativeSidecarsOf } from '../../../src/platforms/kubernetes/requirement-checks.ts';

const node = (name: string, labels: Record<string, string> = {}, extra: Partial<NodeLike> = {}): NodeLike => ({
  metadata: { name, labels },
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
  ...extra,
});

test('label selectors as the API server evaluates them', () => {
  const istio = { matchExpressions: [{ key: 'istio-injection', operator: 'DoesNotExist' }, { key: 'istio.io/rev', operator: 'In', values: ['default'] }] };
  assert.ok(selects(istio, { 'istio.io/rev': 'default' }));
  assert.not.ok(selects(istio, { 'istio.io/rev': 'default', 'istio-injection': 'enabled' }));
  assert.not.ok(selects(istio, { 'istio.io/rev': '1-30-3' }));
  assert.ok(selects({ matchExpressions: [{ key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] }] }, {}));
  assert.ok(selects(undefined, {}));
  assert.not.ok(selects({ matchLabels: { a: 'b' } }, { a: 'c' }));
});

test('placement: anti-affinity needs two usable nodes; cordoned, tainted and unready nodes do not count; selectors must match', () => {
  const any = { workloadNodeSelector: null, loadgenNodeSelector: null, antiAffinity: true };
  assert.equal(placementProblems([node('a'), node('b')], any), []);
  const one = placementProblems([node('a'), node('b', {}, { spec: { unschedulable: true } }), node('c', {}, { spec: { taints: [{ key: 'gpu', effect: 'NoSchedule' }] } }), node('d', {}, { status: { conditions: [] } })], any);
  assert.is(one.length, 1);
  assert.match(one[0]!.what, /only schedulable node for both is a; not usable: b \(cordoned\), c \(tainted gpu:NoSchedule\), d \(not Ready\)/);
  const pinned = placementProblems([node('a', { pool: 'app' }), node('b', { pool: 'load' })], { workloadNodeSelector: { pool: 'app' }, loadgenNodeSelector: { pool: 'load' }, antiAffinity: true });
  assert.equal(pinned, []);
  const same = placementProblems([node('a', { pool: 'app' }), node('b')], { workloadNodeSelector: { pool: 'app' }, loadgenNodeSelector: { pool: 'app' }, antiAffinity: true });
  assert.match(same[0]!.what, /only schedulable node for both is a/);
  const none = placementProblems([node('a')], { workloadNodeSelector: { pool: 'x' }, loadgenNodeSelector: null, antiAffinity: true });
  assert.equal(none.map((p) => p.where), ['kubernetes.nodeSelector']);
});

test('versions from image tags, with registries that have ports and digests', () => {
  assert.is(imageTag('docker.io/istio/pilot:1.30.3'), '1.30.3');
  assert.is(imageTag('registry.local:5000/istio/pilot:1.30.3@sha256:abc'), '1.30.3');
  assert.is(imageTag('registry.local:5000/istio/pilot'), null);
  assert.is(imageTag('602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/appmesh-controller:v1.13.1'), 'v1.13.1');
});

test('native sidecars: the control plane\'s setting when it has one, else its version', () => {
  const rule = { env: 'ENABLE_NATIVE_SIDECARS', sinceVersion: '1.27' };
  assert.is(nativeSidecarsOf(rule, undefined, '1.30.3'), true);
  assert.is(nativeSidecarsOf(rule, undefined, '1.26.4'), false);
  assert.is(nativeSidecarsOf(rule, [{ name: 'ENABLE_NATIVE_SIDECARS', value: 'false' }], '1.30.3'), false);
  assert.is(nativeSidecarsOf(rule, [{ name: 'ENABLE_NATIVE_SIDECARS', value: 'true' }], '1.24.0'), true);
  assert.is(nativeSidecarsOf(rule, undefined, 'latest'), undefined);
});

test('provider guessed from node labels and provider ids', () => {
  assert.is(guessProvider(node('n', { 'eks.amazonaws.com/nodegroup': 'ng-1' })), 'EKS');
  assert.is(guessProvider(node('n', { 'cloud.google.com/gke-nodepool': 'default-pool' })), 'GKE');
  assert.is(guessProvider(node('n', { 'kubernetes.azure.com/cluster': 'MC_rg' })), 'AKS');
  assert.is(guessProvider(node('n', {}, { spec: { providerID: 'kind://docker/kind/kind-control-plane' } })), 'kind');
  assert.is(guessProvider({ metadata: { name: 'n', annotations: { 'kwok.x-k8s.io/node': 'fake' } } }), 'kwok');
  assert.is(guessProvider(node('n')), 'unknown');
});

const pod = (app: string, containers: string[], init: { name: string; restartPolicy?: string }[] = [], annotations: Record<string, string> = {}): PodLike => ({
  metadata: { name: `${app}-1`, namespace: 'ns', labels: { app }, annotations },
  spec: { containers: containers.map((name) => ({ name, image: `${name}:1` })), initContainers: init },
});
const opts = (placement: 'both' | 'server-only' | 'baseline', waypoint = false) => ({ namespace: 'ns', runId: 'r', mtls: true, placement, workload: { name: 'workload', port: 8080 }, loadgen: { name: 'loadgen' }, clusterDomain: 'cluster.local', istio: { revision: null, concurrency: 2, waypoint, nativeSidecars: null, proxyResources: {} }, appmesh: { router: false } });

test('data-plane check: sidecar container, native sidecar, missing proxy, a proxy where placement forbids one, ambient enrolment', () => {
  const istio = meshes.istio.kubernetesOverlay(opts('both'));
  const ok = checkDataPlane({ mesh: 'istio', namespace: 'ns', overlay: istio, placement: 'both', pods: [pod('workload', ['app', 'istio-proxy'])] });
  assert.equal([ok.problems, ok.nativeSidecars, ok.proxyImages], [[], false, { 'istio-proxy': 'istio-proxy:1' }]);
  const native = checkDataPlane({ mesh: 'istio', namespace: 'ns', overlay: istio, placement: 'both', pods: [pod('workload', ['app'], [{ name: 'istio-init' }, { name: 'istio-proxy', restartPolicy: 'Always' }])] });
  assert.equal([native.problems, native.nativeSidecars], [[], true]);
  const missing = checkDataPlane({ mesh: 'appmesh', namespace: 'ns', overlay: meshes.appmesh.kubernetesOverlay(opts('both')), placement: 'both', pods: [pod('workload', ['app'])] });
  assert.match(missing.problems[0]!.what, /no envoy container/);
  assert.match(missing.problems[0]!.fix, /appmesh\.k8s\.aws\/sidecarInjectorWebhook=enabled/);
  const unwanted = checkDataPlane({ mesh: 'istio', namespace: 'ns', overlay: meshes.istio.kubernetesOverlay(opts('baseline')), placement: 'baseline', pods: [pod('workload', ['app', 'istio-proxy'])] });
  assert.match(unwanted.problems[0]!.what, /carries istio-proxy although placement baseline keeps it out of the mesh/);
  const ambient = meshes['istio-ambient'].kubernetesOverlay(opts('both'));
  assert.match(checkDataPlane({ mesh: 'istio-ambient', namespace: 'ns', overlay: ambient, placement: 'both', pods: [pod('workload', ['app'])] }).problems[0]!.what, /annotation ambient\.istio\.io\/redirection=enabled is missing/);
  assert.equal(checkDataPlane({ mesh: 'istio-ambient', namespace: 'ns', overlay: ambient, placement: 'both', pods: [pod('workload', ['app'], [], { 'ambient.istio.io/redirection': 'enabled' })] }).problems, []);
});

test('a watched pod is lost when deleted, failed, or when a container restarts', () => {
  const before = { ...pod('workload', ['app', 'istio-proxy']), status: { containerStatuses: [{ name: 'app', restartCount: 0 }, { name: 'istio-proxy', restartCount: 1 }] } };
  assert.is(lostReason(before, before), null);
  assert.is(lostReason(before, undefined), 'pod workload-1 was deleted');
  assert.is(lostReason(before, { ...before, metadata: { ...before.metadata, deletionTimestamp: '2026-12-01T00:00:00Z' } }), 'pod workload-1 was deleted');
  assert.is(lostReason(before, { ...before, status: { ...before.status, phase: 'Failed' } }), 'pod workload-1 failed');
  const oom = { ...before, status: { containerStatuses: [{ name: 'app', restartCount: 1, lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }, { name: 'istio-proxy', restartCount: 1 }] } };
  assert.is(lostReason(before, oom), 'container app of pod workload-1 restarted (OOMKilled)');
});

test.run();
