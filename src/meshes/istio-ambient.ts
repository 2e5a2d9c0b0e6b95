import { injected, istiodPods, type KubernetesObject, type KubernetesOverlay, type KubernetesMeshOptions, type PodOverlay } from './kubernetes.ts';
import type { MeshAdapter } from './types.ts';

export const WAYPOINT_NAME = 'waypoint';

/**
 * Istio ambient mode: no sidecar in the pods; ztunnel on each node carries L4 mTLS (HBONE), and an
 * optional waypoint proxy adds L7. The overhead is charged to the ztunnel pods on the nodes
 * involved (role node-proxy) and to the waypoint pods (role waypoint).
 */
function kubernetesOverlay(o: KubernetesMeshOptions): KubernetesOverlay {
  const on = injected(o.placement);
  // Pods opt out of the namespace's ambient mode with their own label.
  const pod = (enrolled: boolean): PodOverlay => ({ labels: enrolled ? {} : { 'istio.io/dataplane-mode': 'none' }, annotations: {} });
  const objects: KubernetesObject[] = [];
  // Ambient traffic between ztunnels is always mutual TLS; STRICT also refuses plaintext from outside.
  if (o.mtls) objects.push({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: o.namespace }, spec: { mtls: { mode: 'STRICT' } } });
  if (o.istio.waypoint) {
    objects.push({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: WAYPOINT_NAME, namespace: o.namespace, labels: { 'istio.io/waypoint-for': 'service' } },
      spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    });
  }
  return {
    namespaceLabels: { 'istio.io/dataplane-mode': 'ambient', ...(o.istio.waypoint ? { 'istio.io/use-waypoint': WAYPOINT_NAME } : {}), ...(o.istio.revision ? { 'istio.io/rev': o.istio.revision } : {}) },
    workloadPod: pod(on.workload),
    loadgenPod: pod(on.loadgen),
    clusterObjects: [],
    namespacedObjects: objects,
    dataPlaneContainers: [],
    dataPlanePods: [
      istiodPods(o.istio.revision),
      { role: 'node-proxy', namespace: 'istio-system', selector: { app: 'ztunnel' }, container: 'istio-proxy', nodesInvolvedOnly: true },
      ...(o.istio.waypoint ? [{ role: 'waypoint' as const, namespace: o.namespace, selector: { 'gateway.networking.k8s.io/gateway-name': WAYPOINT_NAME }, container: 'istio-proxy', nodesInvolvedOnly: false }] : []),
    ],
    // No proxy lives in the load generator's pod: its Job ends by itself.
    jobTermination: { method: 'none' },
  };
}

export const istioAmbient: MeshAdapter = {
  name: 'istio-ambient',
  displayName: 'Istio ambient',
  // Not an emulation: the local platform runs the real ztunnel (its default 2 worker threads) per node.
  localProfile: () => ({
    sidecars: false,
    mtls: true,
    proxyThreads: 2,
    nodeProxy: 'ztunnel',
    rationale: 'Istio ambient: the real ztunnel per node, HBONE mutual TLS between them, 2 worker threads (its default); needs pods as network namespaces',
  }),
  kubernetesOverlay,
};
