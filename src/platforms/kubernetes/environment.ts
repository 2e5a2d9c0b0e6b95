/** What a Kubernetes result must say about where it was measured: version, provider, nodes, mesh versions. */
import type { KubeClient } from './client.ts';
import type { NodeLike } from './placement.ts';

export interface NodeFacts {
  name: string;
  instanceType: string | null;
  kernel: string | null;
  containerRuntime: string | null;
  kubelet: string | null;
}

export interface ClusterFacts {
  kubernetesVersion: string | null;
  /** EKS, GKE, AKS, kind, kwok (simulated), or unknown: guessed from node labels and provider ids. */
  provider: string;
  /** kwok nodes run no containers: figures measured there are not a mesh's. */
  simulated: boolean;
  nodes: NodeFacts[];
}

export const KWOK_ANNOTATION = 'kwok.x-k8s.io/node';
/** Set by scripts/k8s-tier.sh on its real nodes: what they are (kubelets sharing one machine's CPUs). */
export const TEST_TIER_LABEL = 'meshbench.io/test-tier';

/** The provider a node's labels, annotations and provider id point to. */
export function guessProvider(n: NodeLike): string {
  const labels = n.metadata.labels ?? {};
  const id = n.spec?.providerID ?? '';
  const has = (prefix: string) => Object.keys(labels).some((k) => k.startsWith(prefix));
  if (n.metadata.annotations?.[KWOK_ANNOTATION]) return 'kwok';
  if (labels[TEST_TIER_LABEL]) return `meshbench test tier (${labels[TEST_TIER_LABEL]})`;
  if (has('eks.amazonaws.com/')) return 'EKS';
  if (has('cloud.google.com/gke-')) return 'GKE';
  if (has('kubernetes.azure.com/')) return 'AKS';
  if (id.startsWith('kind://')) return 'kind';
  if (id.startsWith('aws://')) return 'AWS (not EKS-managed)';
  if (id.startsWith('gce://')) return 'GCE';
  if (id.startsWith('azure://')) return 'Azure';
  return 'unknown';
}

export function clusterFacts(version: string | null, nodes: NodeLike[]): ClusterFacts {
  const providers = [...new Set(nodes.map(guessProvider))];
  return {
    kubernetesVersion: version,
    provider: providers.length === 0 ? 'unknown' : providers.join('+'),
    simulated: providers.includes('kwok'),
    nodes: nodes.map((n) => ({
      name: n.metadata.name,
      instanceType: n.metadata.labels?.['node.kubernetes.io/instance-type'] ?? n.metadata.labels?.['beta.kubernetes.io/instance-type'] ?? null,
      kernel: n.status?.nodeInfo?.kernelVersion || null,
      containerRuntime: n.status?.nodeInfo?.containerRuntimeVersion || null,
      kubelet: n.status?.nodeInfo?.kubeletVersion || null,
    })),
  };
}

export async function readClusterFacts(client: KubeClient, signal?: AbortSignal): Promise<ClusterFacts> {
  const version = await client.get<{ gitVersion?: string }>('/version', signal);
  const nodes = await client.list<NodeLike>('/api/v1/nodes', {}, signal);
  return clusterFacts(version.gitVersion ?? null, nodes);
}

/**
 * The flat component map the run's environment record takes (DESIGN: component versions): the
 * cluster, its provider and nodes, the mesh control planes and proxy images found.
 */
export function componentVersions(c: ClusterFacts, meshComponents: Record<string, string>, proxyImages: Record<string, string>, nativeSidecars: boolean | null): Record<string, string> {
  const distinct = (f: (n: NodeFacts) => string | null) => [...new Set(c.nodes.map(f).filter((x): x is string => !!x))].join(', ') || 'unknown';
  return {
    kubernetes: c.kubernetesVersion ?? 'unknown',
    'kubernetes provider': c.simulated ? 'kwok: simulated nodes, no containers run (plumbing only, not a mesh measurement)' : c.provider,
    'node instance types': distinct((n) => n.instanceType),
    'node kernels': distinct((n) => n.kernel),
    'container runtimes': distinct((n) => n.containerRuntime),
    ...meshComponents,
    ...Object.fromEntries(Object.entries(proxyImages).map(([container, image]) => [`${container} image`, image])),
    ...(nativeSidecars === null ? {} : { 'native sidecars': nativeSidecars ? 'yes' : 'no' }),
  };
}
