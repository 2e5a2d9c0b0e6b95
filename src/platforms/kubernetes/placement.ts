/**
 * Can the trial's pods be placed? The load generator must run on another node than the workload
 * (required anti-affinity on kubernetes.io/hostname), and each may be pinned by a nodeSelector.
 * Nodes that are cordoned, not Ready, or tainted NoSchedule/NoExecute do not count: the trial's
 * pods tolerate no taint.
 */
import { nodeSelectorMatches } from './label-selector.ts';
import type { Problem } from './problems.ts';

export interface NodeLike {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { unschedulable?: boolean; taints?: { key: string; value?: string; effect: string }[]; providerID?: string };
  status?: {
    conditions?: { type: string; status: string }[];
    nodeInfo?: { kernelVersion?: string; containerRuntimeVersion?: string; kubeletVersion?: string; osImage?: string };
  };
}

export interface PlacementRequest {
  workloadNodeSelector: Record<string, string> | null;
  loadgenNodeSelector: Record<string, string> | null;
  /** The load generator is kept off the workload's node. */
  antiAffinity: boolean;
}

/** Why a node cannot take the trial's pods, or null when it can. */
export function unschedulableReason(n: NodeLike): string | null {
  if (n.spec?.unschedulable) return 'cordoned';
  if (!n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return 'not Ready';
  const taint = n.spec?.taints?.find((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  if (taint) return `tainted ${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`;
  return null;
}

const show = (sel: Record<string, string> | null) => (sel ? Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',') : '(any node)');

export function placementProblems(nodes: NodeLike[], r: PlacementRequest): Problem[] {
  const usable = nodes.filter((n) => unschedulableReason(n) === null);
  const excluded = nodes.filter((n) => unschedulableReason(n) !== null).map((n) => `${n.metadata.name} (${unschedulableReason(n)})`);
  const why = excluded.length ? `; not usable: ${excluded.slice(0, 5).join(', ')}${excluded.length > 5 ? ', ...' : ''}` : '';
  const forWorkload = usable.filter((n) => nodeSelectorMatches(r.workloadNodeSelector, n.metadata.labels ?? {}));
  const forLoadgen = usable.filter((n) => nodeSelectorMatches(r.loadgenNodeSelector, n.metadata.labels ?? {}));
  const problems: Problem[] = [];
  if (forWorkload.length === 0) {
    problems.push({ where: 'kubernetes.nodeSelector', what: `no schedulable node matches the workload's node selector ${show(r.workloadNodeSelector)} (${usable.length} of ${nodes.length} nodes schedulable${why})`, fix: 'label a node to match (kubectl label node NODE key=value), or change kubernetes.nodeSelector' });
  }
  if (forLoadgen.length === 0) {
    problems.push({ where: 'kubernetes.loadgenNodeSelector', what: `no schedulable node matches the load generator's node selector ${show(r.loadgenNodeSelector)} (${usable.length} of ${nodes.length} nodes schedulable${why})`, fix: 'label a node to match, or change kubernetes.loadgenNodeSelector' });
  }
  if (problems.length === 0 && r.antiAffinity && !forWorkload.some((w) => forLoadgen.some((l) => l.metadata.name !== w.metadata.name))) {
    const only = [...new Set([...forWorkload, ...forLoadgen].map((n) => n.metadata.name))];
    problems.push({
      where: 'placement',
      what: `the load generator must run on another node than the workload, but the only schedulable node for both is ${only.join(', ')}${why}`,
      fix: 'add a schedulable node (or uncordon one), or give the workload and the load generator node selectors that match different nodes',
    });
  }
  return problems;
}
