import type { KubernetesMeshOptions, KubernetesOverlay } from './kubernetes.ts';

/**
 * How the local platform emulates a mesh's default sidecar data path: a client-side (outbound)
 * and a server-side (inbound) proxy in front of the workload, like two Envoys in a mesh.
 */
export interface LocalMeshProfile {
  /** false: the load goes straight to the workload. */
  sidecars: boolean;
  /** Mutual TLS between the two sidecars (the server sidecar refuses anything else). */
  mtls: boolean;
  /** Worker threads of each sidecar proxy. */
  proxyThreads: number;
  /** Why these settings: the mesh default they copy. */
  rationale: string;
  /**
   * 'ztunnel': no emulation at all: the mesh's real node proxy, one per node (Istio ambient's
   * ztunnel), which exists only with pods as network namespaces (local layout `netns`); `sidecars`
   * is then false. Absent: the sidecars above, or nothing.
   */
  nodeProxy?: 'ztunnel';
  /**
   * The mesh's own sidecar settings for the local platform's Envoy sidecars (the default sidecar):
   * what its control plane would have put in each Envoy. Absent: the mesh has no Envoy sidecars.
   */
  envoy?: EnvoySidecarDefaults;
}

/**
 * What a mesh's control plane configures in its Envoy sidecars, as data; the local platform renders
 * a bootstrap from it (platforms/local/envoy/bootstrap.ts). docs/local-envoy.md cites each value.
 */
export interface EnvoySidecarDefaults {
  /** How clusters and listeners are named, as in the mesh's own config dumps. */
  naming: 'istio' | 'appmesh';
  /** Envoy's --concurrency; null leaves it unset (Envoy then starts one worker per core). */
  concurrency: number | null;
  /** The ports and uid of the mesh's traffic capture (netns layout) and admin endpoint (127.0.0.1). */
  ports: { outbound: number; inbound: number; admin: number; proxyUid: number; inboundExcluded: readonly number[] };
  /** Route timeout on every route; 0 disables it. */
  routeTimeoutMs: number;
  /** The default retry policy of outbound routes; null: none. */
  retry: { numRetries: number; retryOn: string; retriableStatusCodes: readonly number[]; previousHosts: boolean; hostSelectionRetryMaxAttempts: number | null } | null;
  /** Cluster connect timeout; null leaves Envoy's default (5 s). */
  connectTimeoutMs: number | null;
  /** max_connections, max_pending_requests, max_requests and max_retries of every cluster; null: Envoy's defaults. */
  circuitBreakerLimit: number | null;
  /** Upstream HTTP connections' idle timeout; null: Envoy's default (1 h). */
  upstreamIdleTimeoutMs: number | null;
  /** Inbound: set X-Forwarded-Client-Cert with the client's subject, DNS and URI SANs. */
  forwardClientCert: boolean;
}

/** Whether a local profile can run only with pods as network namespaces (the netns layout). */
export function needsNetnsLayout(profile: LocalMeshProfile): boolean {
  return profile.nodeProxy === 'ztunnel';
}

export interface LocalProfileOptions {
  cpuCount: number;
}

/** What a mesh means. It deploys nothing: platforms read it. */
export interface MeshAdapter {
  /** A built-in mesh name, or the name of a mesh the scenario defines. */
  readonly name: string;
  readonly displayName: string;
  /** How the local platform runs it (an emulation, or its real node proxy); null where it cannot yet. */
  localProfile: ((o: LocalProfileOptions) => LocalMeshProfile) | null;
  /** Labels, annotations, extra objects and data-plane facts of this mesh on Kubernetes. */
  kubernetesOverlay(o: KubernetesMeshOptions): KubernetesOverlay;
}

/** The proxies the local platform can put beside each pod: Envoy (the meshes' own proxy) or HAProxy. */
export const LOCAL_SIDECARS = ['envoy', 'haproxy'] as const;
export type LocalSidecar = (typeof LOCAL_SIDECARS)[number];

/**
 * What configures local `istio`'s Envoy sidecars: `static`, a bootstrap meshbench writes with
 * Istio's defaults; `istiod`, Istio's own control plane through pilot-agent (platforms/local/istiod/).
 */
export const LOCAL_CONTROLS = ['static', 'istiod'] as const;
export type LocalControl = (typeof LOCAL_CONTROLS)[number];

/** The display names of the meshes whose local Envoy sidecars copy their defaults. */
const ENVOY_DEFAULTS_OF: Record<EnvoySidecarDefaults['naming'], string> = { istio: 'Istio\'s', appmesh: 'App Mesh\'s' };

/**
 * The name every output uses for a mesh on the local platform, so that no reader mistakes an
 * emulation for the real mesh: "istio (local emulation: HAProxy 2.6 sidecars, mTLS)", or with
 * Envoy "istio (local: Envoy 1.40 sidecars with Istio's defaults, mTLS)".
 */
export function localEmulationLabel(mesh: MeshAdapter, profile: LocalMeshProfile, proxyVersion: string, sidecar: LocalSidecar = 'haproxy'): string {
  if (!profile.sidecars) return `${mesh.name} (no sidecars)`;
  const [major, minor] = proxyVersion.split('.');
  const security = profile.mtls ? 'mTLS' : 'plaintext';
  if (sidecar === 'envoy' && profile.envoy) {
    return `${mesh.name} (local: Envoy ${major}.${minor} sidecars with ${ENVOY_DEFAULTS_OF[profile.envoy.naming]} defaults, ${security})`;
  }
  return `${mesh.name} (local emulation: HAProxy ${major}.${minor} sidecars, ${security}, ${profile.proxyThreads} threads)`;
}
