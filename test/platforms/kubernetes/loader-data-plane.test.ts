/**
 * With `placement: both`, the load pods must carry the mesh like the workload's pods: a declined
 * injection (an injector that skips Job pods, an opt-out label) fails the trial instead of being
 * measured as server-only. The pods are as the runner sees them when they end.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RunError } from '../../../src/errors.ts';
import { meshes } from '../../../src/meshes/index.ts';
import { checkLoaderDataPlane } from '../../../src/platforms/kubernetes/data-plane.ts';

const opts = (placement: 'both' | 'server-only' | 'baseline') => ({ namespace: 'ns', runId: 'r', mtls: true, placement, workload: { name: 'workload', port: 8080 }, loadgen: { name: 'loadgen' }, clusterDomain: 'cluster.local', istio: { revision: null, concurrency: 2, waypoint: false, nativeSidecars: null, proxyResources: {} }, appmesh: { router: false } });
const loader = (containers: string[], init: { name: string; restartPolicy?: string }[] = [], annotations: Record<string, string> = {}) => ({
  metadata: { name: 'loadgen-c4-r200-0-abcde', labels: { app: 'loadgen' }, annotations },
  spec: { containers: containers.map((name) => ({ name, image: `${name}:1` })), ...(init.length ? { initContainers: init } : {}) },
});
const check = (placement: 'both' | 'server-only' | 'baseline', pod: ReturnType<typeof loader>, mesh: 'istio' | 'istio-ambient' = 'istio') =>
  checkLoaderDataPlane({ mesh, namespace: 'ns', overlay: meshes[mesh].kubernetesOverlay(opts(placement)), placement }, [pod]);

test('placement both: a loader pod without istio-proxy fails the trial, naming the pod and the fix', () => {
  try {
    check('both', loader(['loadgen']));
    assert.unreachable('no error');
  } catch (e) {
    assert.instance(e, RunError);
    assert.match((e as RunError).message, /mesh istio was not in the load generator's pods as placement both says:\n.*pod ns\/loadgen-c4-r200-0-abcde: the mesh's data plane is not in the pod: no istio-proxy container/);
    assert.match((e as RunError).fix ?? '', /istio-injection=enabled/);
  }
});

test('placement both: the proxy as a container or as a native sidecar passes', () => {
  check('both', loader(['loadgen', 'istio-proxy']));
  check('both', loader(['loadgen'], [{ name: 'istio-proxy', restartPolicy: 'Always' }]));
});

test('server-only: the loader must NOT carry the proxy; a loader without it passes', () => {
  check('server-only', loader(['loadgen']));
  assert.throws(() => check('server-only', loader(['loadgen', 'istio-proxy'])), /carries istio-proxy although placement server-only keeps it out of the mesh/);
});

test('ambient with placement both: a loader pod istio-cni did not enrol fails; an enrolled one passes', () => {
  assert.throws(() => check('both', loader(['loadgen']), 'istio-ambient'), /not enrolled in ambient mode: annotation ambient\.istio\.io\/redirection=enabled is missing/);
  check('both', loader(['loadgen'], [], { 'ambient.istio.io/redirection': 'enabled' }), 'istio-ambient');
});

test.run();
