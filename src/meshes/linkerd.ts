import { injected, type KubernetesOverlay, type KubernetesMeshOptions, type PodOverlay } from './kubernetes.ts';
import type { MeshAdapter } from './types.ts';

/**
 * Linkerd: the proxy injector acts on the linkerd.io/inject annotation (namespace or pod).
 * Mutual TLS between meshed pods is always on in Linkerd; a scenario cannot turn it off.
 */
function kubernetesOverlay(o: KubernetesMeshOptions): KubernetesOverlay {
  const on = injected(o.placement);
  const pod = (inject: boolean): PodOverlay => ({ labels: {}, annotations: inject ? {} : { 'linkerd.io/inject': 'disabled' } });
  return {
    namespaceLabels: {},
    namespaceAnnotations: { 'linkerd.io/inject': 'enabled' },
    workloadPod: pod(on.workload),
    loadgenPod: pod(on.loadgen),
    clusterObjects: [],
    namespacedObjects: [],
    dataPlaneContainers: ['linkerd-proxy'],
    dataPlanePods: [],
    // The proxy's admin server asks it to exit once the load generator is done.
    jobTermination: { method: 'http-post', url: 'http://127.0.0.1:4191/shutdown' },
  };
}

export const linkerd: MeshAdapter = {
  name: 'linkerd',
  displayName: 'Linkerd',
  localProfile: null,
  kubernetesOverlay,
};
