/**
 * Data-plane pods outside the trial's own (ambient's ztunnel, a waypoint), found where preflight
 * found them and charged to the mesh. A node proxy must be on every node the trial uses: a node
 * without one would carry the traffic unmeshed (or not at all), and the mesh would look free.
 */
import type { DataPlanePods, KubernetesOverlay } from '../../meshes/kubernetes.ts';
import { RunError } from '../../errors.ts';
import type { KubernetesContainer } from '../types.ts';
import type { KubeClient } from './client.ts';
import { selectorQuery } from './label-selector.ts';

/** The overlay with each data-plane pod set's namespace replaced by the one preflight found it in (by label selector). */
export function withFoundNamespaces<O extends Pick<KubernetesOverlay, 'dataPlanePods'>>(overlay: O, found: Readonly<Record<string, string>>): O {
  return { ...overlay, dataPlanePods: overlay.dataPlanePods.map((d) => ({ ...d, namespace: found[selectorQuery(d.selector)] ?? d.namespace })) };
}

interface PlacedPod {
  metadata: { name: string; namespace: string };
  spec: { nodeName?: string };
}

/**
 * The containers of one set of data-plane pods, for the nodes involved. Fails when a set that
 * runs per node (nodesInvolvedOnly) has no pod on one of them.
 */
export function nodeProxyContainers(d: DataPlanePods, found: readonly PlacedPod[], nodes: ReadonlySet<string>): KubernetesContainer[] {
  const pods = found.filter((p) => !d.nodesInvolvedOnly || nodes.has(p.spec.nodeName ?? ''));
  if (d.nodesInvolvedOnly) {
    const missing = [...nodes].filter((n) => !pods.some((p) => p.spec.nodeName === n)).sort();
    if (missing.length > 0) {
      throw new RunError({
        what: `no ${d.container} pod (labelled ${selectorQuery(d.selector)} in namespace ${d.namespace}) runs on node${missing.length === 1 ? '' : 's'} ${missing.join(', ')}, which the trial uses: its traffic there would not cross the mesh's node proxy, and the mesh would look free`,
        where: `namespace ${d.namespace}`,
        fix: `see why the DaemonSet has no pod there: kubectl -n ${d.namespace} get pods -l ${selectorQuery(d.selector)} -o wide; kubectl describe node NODE (taints the DaemonSet does not tolerate)`,
      });
    }
  }
  return pods.map((p) => ({ kind: 'kubernetes' as const, namespace: p.metadata.namespace, pod: p.metadata.name, container: d.container, node: p.spec.nodeName ?? '', role: d.role }));
}

export async function findNodeProxies(client: KubeClient, d: DataPlanePods, nodes: ReadonlySet<string>, signal?: AbortSignal): Promise<KubernetesContainer[]> {
  const found = await client.list<PlacedPod>(`/api/v1/namespaces/${d.namespace}/pods`, { labelSelector: selectorQuery(d.selector) }, signal);
  return nodeProxyContainers(d, found, nodes);
}
