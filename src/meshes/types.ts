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

/**
 * The name every output uses for a mesh on the local platform, so that no reader mistakes an
 * emulation for the real mesh: "istio (local emulation: HAProxy 2.6 sidecars, mTLS)".
 */
export function localEmulationLabel(mesh: MeshAdapter, profile: LocalMeshProfile, proxyVersion: string): string {
  if (!profile.sidecars) return `${mesh.name} (no sidecars)`;
  const [major, minor] = proxyVersion.split('.');
  const security = profile.mtls ? 'mTLS' : 'plaintext';
  return `${mesh.name} (local emulation: HAProxy ${major}.${minor} sidecars, ${security}, ${profile.proxyThreads} threads)`;
}
