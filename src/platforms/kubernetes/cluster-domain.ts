/**
 * The cluster's DNS domain, which the workload's address ends in (workload.NAMESPACE.svc.DOMAIN).
 * Most clusters use cluster.local, not all: the kubelets say theirs (their clusterDomain, served at
 * /configz through the node proxy, the permission the collector already needs).
 */
import type { KubeClient } from './client.ts';
import type { NodeLike } from './placement.ts';
import { DEFAULT_CLUSTER_DOMAIN } from './render.ts';

export interface ClusterDomain {
  domain: string;
  /** Where it came from, for the run's environment. */
  source: string;
}

export async function readClusterDomain(client: KubeClient, scenarioDomain: string | null, signal?: AbortSignal): Promise<ClusterDomain> {
  if (scenarioDomain) return { domain: scenarioDomain, source: 'the scenario (kubernetes.clusterDomain)' };
  let nodes: NodeLike[] = [];
  try {
    nodes = await client.list<NodeLike>('/api/v1/nodes', {}, signal);
  } catch {
    // Preflight has said what is missing; the default is stated below.
  }
  for (const n of nodes.slice(0, 3)) {
    try {
      const c = await client.get<{ kubeletconfig?: { clusterDomain?: string } }>(`/api/v1/nodes/${encodeURIComponent(n.metadata.name)}/proxy/configz`, signal);
      const domain = c.kubeletconfig?.clusterDomain?.replace(/\.$/, '');
      if (domain) return { domain, source: `the kubelet of node ${n.metadata.name} (/configz)` };
    } catch {
      // Not served (kwok, a kubelet with configz off) or not allowed: try another node, then assume.
    }
  }
  return { domain: DEFAULT_CLUSTER_DOMAIN, source: 'assumed: no kubelet served its configuration; set kubernetes.clusterDomain if the cluster uses another' };
}
