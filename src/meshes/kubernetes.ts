/** What a mesh needs on Kubernetes, as data the renderer applies without knowing the mesh. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** Where sidecars go, as Istio's own benchmark varies it: none, the server's pod only, or both pods. */
export const PLACEMENTS = ['both', 'server-only', 'baseline'] as const;
export type Placement = (typeof PLACEMENTS)[number];

export interface KubernetesMeshOptions {
  namespace: string;
  runId: string;
  mtls: boolean;
  placement: Placement;
  workload: { name: string; port: number };
  loadgen: { name: string };
  /** The cluster's DNS domain (cluster.local unless the cluster says otherwise). */
  clusterDomain: string;
  istio: { revision: string | null; concurrency: number; waypoint: boolean; nativeSidecars: boolean | null; proxyResources: ProxyResources };
  appmesh: { router: boolean };
}

export interface ProxyResources {
  cpu?: string | undefined;
  memory?: string | undefined;
  cpuLimit?: string | undefined;
  memoryLimit?: string | undefined;
}

/**
 * Mesh pods outside the trial's own pods whose containers are charged to the mesh: ambient's
 * ztunnel and waypoint (data plane), and the control plane (istiod), reported apart from the data plane.
 */
export interface DataPlanePods {
  role: 'node-proxy' | 'waypoint' | 'control-plane';
  namespace: string;
  selector: Record<string, string>;
  container: string;
  /** Only the pods on the nodes where the workload and the load generator run count. */
  nodesInvolvedOnly: boolean;
}

export interface PodOverlay {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** How a meshed load-generator pod ends, since a sidecar does not exit by itself. */
export type JobTermination =
  | { method: 'none' }
  /** The proxy is a native sidecar (an init container that restarts always): the Job ends by itself. */
  | { method: 'native-sidecar'; otherwise: { method: 'http-post'; url: string } }
  | { method: 'http-post'; url: string };

export interface KubernetesOverlay {
  namespaceLabels: Record<string, string>;
  namespaceAnnotations?: Record<string, string>;
  workloadPod: PodOverlay;
  loadgenPod: PodOverlay;
  /** Cluster-scoped objects (applied before the namespace) and namespaced ones (after it). */
  clusterObjects: KubernetesObject[];
  namespacedObjects: KubernetesObject[];
  /** Names of the data-plane containers, looked for in `containers` and in `initContainers`. */
  dataPlaneContainers: string[];
  /** Data-plane pods that are not the trial's own (their resources are charged to the mesh). */
  dataPlanePods: DataPlanePods[];
  jobTermination: JobTermination;
}

export const noOverlay = (): KubernetesOverlay => ({
  namespaceLabels: {},
  workloadPod: { labels: {}, annotations: {} },
  loadgenPod: { labels: {}, annotations: {} },
  clusterObjects: [],
  namespacedObjects: [],
  dataPlaneContainers: [],
  dataPlanePods: [],
  jobTermination: { method: 'none' },
});

/** istiod's pods (all of them, wherever they run), as Istio's charts label them: its CPU and memory are the control plane's. */
export function istiodPods(revision: string | null): DataPlanePods {
  return { role: 'control-plane', namespace: 'istio-system', selector: { app: 'istiod', ...(revision ? { 'istio.io/rev': revision } : {}) }, container: 'discovery', nodesInvolvedOnly: false };
}

/** Which pods of a trial carry a sidecar under a placement. */
export function injected(placement: Placement): { workload: boolean; loadgen: boolean } {
  return { workload: placement !== 'baseline', loadgen: placement === 'both' };
}

export interface PodSpecLike {
  containers?: { name: string }[];
  initContainers?: { name: string; restartPolicy?: string }[];
}

/** The data-plane containers of a pod, native sidecars (init containers) included. */
export function dataPlaneContainersOf(pod: PodSpecLike, names: readonly string[]): string[] {
  return [...(pod.containers ?? []), ...(pod.initContainers ?? [])].map((c) => c.name).filter((n) => names.includes(n));
}
