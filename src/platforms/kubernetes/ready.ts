/**
 * Waits for a trial's Deployments to be available and its pods ready, with a bound; when the bound
 * passes, says why from the pods' status and the namespace's events (Unschedulable and why,
 * ImagePullBackOff, CrashLoopBackOff, a webhook that refused the pods).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RunError } from '../../errors.ts';
import type { KubeClient } from './client.ts';

export interface PodLike {
  metadata: { name: string; namespace: string; uid?: string; labels?: Record<string, string>; annotations?: Record<string, string>; deletionTimestamp?: string };
  spec: {
    nodeName?: string;
    containers: { name: string; image?: string }[];
    initContainers?: { name: string; image?: string; restartPolicy?: string }[];
  };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

interface ContainerStatus {
  name: string;
  image?: string;
  imageID?: string;
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number } };
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
}

interface DeploymentLike {
  metadata: { name: string; generation?: number };
  spec?: { replicas?: number };
  status?: { observedGeneration?: number; availableReplicas?: number; updatedReplicas?: number };
}

interface EventLike {
  type?: string;
  reason?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string };
  lastTimestamp?: string;
  eventTime?: string;
}

export interface WaitReadyOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  pollMs?: number;
}

const isReady = (p: PodLike) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

function deploymentAvailable(d: DeploymentLike): boolean {
  const want = d.spec?.replicas ?? 1;
  return (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && (d.status?.updatedReplicas ?? 0) >= want && (d.status?.availableReplicas ?? 0) >= want;
}

/** Resolves with the namespace's pods once every Deployment is available and every pod ready. */
export async function waitReady(client: KubeClient, namespace: string, o: WaitReadyOptions): Promise<PodLike[]> {
  const pollMs = o.pollMs ?? 500;
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    o.signal?.throwIfAborted();
    const deployments = await client.list<DeploymentLike>(`/apis/apps/v1/namespaces/${namespace}/deployments`, {}, o.signal);
    const pods = await client.list<PodLike>(`/api/v1/namespaces/${namespace}/pods`, {}, o.signal);
    if (deployments.length > 0 && deployments.every(deploymentAvailable) && pods.length > 0 && pods.every(isReady)) return pods;
    if (Date.now() >= deadline) {
      const reasons = await notReadyReasons(client, namespace, deployments, pods, o.signal);
      throw new RunError({
        what: `the trial's pods in namespace ${namespace} were not ready within ${Math.round(o.timeoutMs / 1000)} s:\n${reasons.map((r) => `  - ${r}`).join('\n')}`,
        where: `namespace ${namespace}`,
        fix: `see kubectl -n ${namespace} describe pods; kubectl -n ${namespace} get events --sort-by=.lastTimestamp`,
      });
    }
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())), undefined, { signal: o.signal });
  }
}

/** One line per thing that is not ready, with the reason Kubernetes gives. */
export async function notReadyReasons(client: KubeClient, namespace: string, deployments: DeploymentLike[], pods: PodLike[], signal?: AbortSignal): Promise<string[]> {
  const events = await client.list<EventLike>(`/api/v1/namespaces/${namespace}/events`, {}, signal).catch(() => [] as EventLike[]);
  const warnings = (kind: string, name: string) =>
    events
      .filter((e) => e.type === 'Warning' && e.involvedObject?.kind === kind && e.involvedObject.name === name)
      .slice(-2)
      .map((e) => `${e.reason}: ${e.message}`);
  const out: string[] = [];
  for (const p of pods.filter((x) => !isReady(x))) {
    const why: string[] = [];
    const scheduled = p.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (scheduled?.status === 'False') why.push(`${scheduled.reason ?? 'not scheduled'}: ${scheduled.message ?? ''}`.trim());
    for (const c of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
      const w = c.state?.waiting;
      if (w?.reason && w.reason !== 'PodInitializing') why.push(`container ${c.name}: ${w.reason}${w.message ? ` (${w.message})` : ''}`);
      else if (c.state?.terminated) why.push(`container ${c.name}: terminated (${c.state.terminated.reason ?? `exit ${c.state.terminated.exitCode}`}), ${c.restartCount ?? 0} restarts`);
    }
    if (why.length === 0) why.push(...warnings('Pod', p.metadata.name));
    out.push(`pod ${p.metadata.name} (${p.status?.phase ?? 'unknown phase'}): ${why.join('; ') || 'not ready yet, no reason reported'}`);
  }
  for (const d of deployments.filter((x) => !deploymentAvailable(x))) {
    // No pod at all usually means the ReplicaSet could not create one (a webhook, a quota, a policy).
    const rsWarnings = events.filter((e) => e.type === 'Warning' && e.involvedObject?.kind === 'ReplicaSet' && e.involvedObject.name?.startsWith(`${d.metadata.name}-`)).slice(-2);
    const detail = [...warnings('Deployment', d.metadata.name), ...rsWarnings.map((e) => `${e.reason}: ${e.message}`)];
    out.push(`deployment ${d.metadata.name}: ${d.status?.availableReplicas ?? 0}/${d.spec?.replicas ?? 1} available${detail.length ? ` (${detail.join('; ')})` : ''}`);
  }
  if (deployments.length === 0) out.push('no Deployment in the namespace');
  return out;
}
