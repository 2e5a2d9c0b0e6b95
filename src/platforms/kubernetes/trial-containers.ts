/** Which containers a trial's figures come from: its own pods', and the mesh's node proxies it used. */
import type { KubernetesOverlay } from '../../meshes/index.ts';
import type { KubernetesContainer } from '../types.ts';
import type { KubeClient } from './client.ts';
import { findNodeProxies } from './node-proxies.ts';
import type { PodLike } from './ready.ts';

/** The trial's own pods: app containers, and the data-plane containers as sidecars. */
export function trialContainers(pods: PodLike[], dataPlane: string[]): KubernetesContainer[] {
  return pods.flatMap((p) =>
    [...p.spec.containers, ...(p.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')].map((c) => ({
      kind: 'kubernetes' as const,
      namespace: p.metadata.namespace,
      pod: p.metadata.name,
      container: c.name,
      node: p.spec.nodeName ?? '',
      role: dataPlane.includes(c.name) ? ('sidecar' as const) : ('app' as const),
    })),
  );
}

/** Data-plane pods outside the trial's (ztunnel on the nodes involved, waypoints), charged to the mesh; a node without its node proxy fails the trial. */
export async function meshPodContainers(client: KubeClient, overlay: Pick<KubernetesOverlay, 'dataPlanePods'>, pods: PodLike[], signal: AbortSignal): Promise<KubernetesContainer[]> {
  const nodes = new Set(pods.map((p) => p.spec.nodeName ?? ''));
  const out: KubernetesContainer[] = [];
  for (const d of overlay.dataPlanePods) out.push(...(await findNodeProxies(client, d, nodes, signal)));
  return out;
}
