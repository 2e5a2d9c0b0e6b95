/**
 * Runs the engine Job of one trial and hands back each pod's raw output. It waits for the loader
 * container's own terminated state, not for Job completion: with a classic sidecar that did not
 * quit, the Job never completes, yet the result is there. Each pod's log is read by container
 * name. A pod that was not running at the common start, or whose container started after it,
 * fails the trial: its window would not be the others'.
 *
 * Decoding stays out of this layer (DESIGN.md): the result lines go to run/, which gives them to
 * load/ (decodeResultLine, mergeOutcomes) through collectPodResults (pod-results.ts).
 */
import { RunError } from '../../../errors.ts';
import { applyObjects } from '../apply.ts';
import type { KubeClient } from '../client.ts';
import { COMPLETION_INDEX_ANNOTATION, LOADER_CONTAINER, loaderConfigMap, loaderJob, loaderRequestProblems, type LoaderJobRequest } from './job.ts';
import { pause } from './window.ts';

/** Default time from applying the Job to the common start: scheduling and a cold pull of node:24-alpine (~50 MB). */
export const DEFAULT_START_LEAD_MS = 45_000;
/** A pod not yet reported running this long after the common start is late (status updates lag by ~1 s). */
const NOT_RUNNING_GRACE_MS = 5_000;
/** After the window and the drain, how long the pods may take to exit and report it. */
const EXIT_SLACK_MS = 60_000;
/** Container waiting reasons that will not resolve before the common start. */
const STUCK = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError', 'CrashLoopBackOff']);

export interface LoaderPodOutput {
  /** The pod's completion index (its share of the schedule). */
  index: number;
  pod: string;
  node: string;
  /** When the loader container started and ended, as the kubelet says (second precision). */
  startedAt: string | null;
  finishedAt: string | null;
  exitCode: number;
  /** The container's whole log: progress on stderr, the result line on stdout. */
  log: string;
  /** The engine's result line, or null when the log holds none. */
  resultLine: string | null;
}

export interface LoaderRun {
  /** The loader pods as they ended (the images they ran are in their status). */
  ended: JobPod[];
  startEpochMs: number;
  /** The measured window every pod aims at, epoch ms (the pods' own windows are in their result lines). */
  window: { startEpochMs: number; endEpochMs: number };
  pods: LoaderPodOutput[];
}

export type LoaderRunRequest = Omit<LoaderJobRequest, 'startEpochMs' | 'activeDeadlineSeconds'>;

export interface RunLoaderOptions {
  request: LoaderRunRequest;
  /** The engine bundle (src/load/bundle.ts output). */
  bundle: string;
  startLeadMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
  /** For tests of a late pod: the clock that picks the common start. */
  nowMs?: () => number;
}

/** The window of a run that starts at `startEpochMs` (warmup first, then the measured window). */
export function loaderWindow(startEpochMs: number, warmupMs: number, durationMs: number): LoaderRun['window'] {
  return { startEpochMs: startEpochMs + warmupMs, endEpochMs: startEpochMs + warmupMs + durationMs };
}

/** Applies the engine ConfigMap and Job, waits for every pod's loader container to end, reads their logs. */
export async function runLoader(client: KubeClient, o: RunLoaderOptions): Promise<LoaderRun> {
  const started = await startLoader(client, o);
  return finishLoader(client, started, o);
}

export interface StartedLoader {
  namespace: string;
  jobName: string;
  pods: number;
  startEpochMs: number;
  window: LoaderRun['window'];
  deadlineEpochMs: number;
}

/** Picks the common start, checks the request and applies the engine ConfigMap and Job. */
export async function startLoader(client: KubeClient, o: RunLoaderOptions): Promise<StartedLoader> {
  const r = o.request;
  const s = r.settings;
  const startEpochMs = Math.round((o.nowMs ?? Date.now)() + (o.startLeadMs ?? DEFAULT_START_LEAD_MS));
  const window = loaderWindow(startEpochMs, s.warmupMs, s.durationMs);
  const deadlineEpochMs = window.endEpochMs + s.timeoutMs + EXIT_SLACK_MS;
  const full: LoaderJobRequest = { ...r, startEpochMs, activeDeadlineSeconds: Math.max(30, Math.ceil((deadlineEpochMs - Date.now()) / 1000)) };
  const problems = loaderRequestProblems(full);
  if (problems.length) throw new RunError({ what: `the load Job cannot run: ${problems.join('; ')}`, where: `Job ${r.namespace}/${r.name}`, fix: 'change load.pods or load.connections in the scenario' });
  await applyObjects(client, [loaderConfigMap(full, o.bundle), loaderJob(full)], { signal: o.signal });
  return { namespace: r.namespace, jobName: r.name, pods: s.pods, startEpochMs, window, deadlineEpochMs };
}

/** Waits for every loader container to end and reads the logs. */
export async function finishLoader(client: KubeClient, st: StartedLoader, o: { pollMs?: number; signal?: AbortSignal | undefined }): Promise<LoaderRun> {
  const ended = await waitLoaderPods(client, { namespace: st.namespace, jobName: st.jobName, pods: st.pods, startEpochMs: st.startEpochMs, deadlineEpochMs: st.deadlineEpochMs, pollMs: o.pollMs ?? 1_000, signal: o.signal });
  const pods: LoaderPodOutput[] = [];
  for (const e of ended) pods.push(await readLoaderOutput(client, e, o.signal));
  return { ended: ended.map((e) => e.pod), startEpochMs: st.startEpochMs, window: st.window, pods };
}

interface ContainerState {
  running?: { startedAt?: string };
  terminated?: { exitCode?: number; reason?: string; message?: string; startedAt?: string; finishedAt?: string };
  waiting?: { reason?: string; message?: string };
}

export interface JobPod {
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: { nodeName?: string; containers?: { name: string; image?: string }[]; initContainers?: { name: string; image?: string; restartPolicy?: string }[] };
  status?: { phase?: string; reason?: string; message?: string; containerStatuses?: { name: string; image?: string; imageID?: string; state?: ContainerState }[] };
}

interface JobLike {
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

export interface WaitLoaderOptions {
  namespace: string;
  jobName: string;
  pods: number;
  startEpochMs: number;
  /** When the pods must have ended, epoch ms. */
  deadlineEpochMs: number;
  pollMs: number;
  signal?: AbortSignal | undefined;
}

const indexOf = (p: JobPod): number => Number(p.metadata.annotations?.[COMPLETION_INDEX_ANNOTATION] ?? p.metadata.labels?.[COMPLETION_INDEX_ANNOTATION] ?? NaN);
const at = (t: string | undefined): string => (t ? new Date(t).toISOString() : '?');

/** A pod whose loader container has ended (exit code 0), before its log is read. */
export interface EndedLoader {
  namespace: string;
  index: number;
  pod: JobPod;
  terminated: NonNullable<ContainerState['terminated']>;
}

/** Waits until the loader container of every index has ended with exit code 0; fails fast on a failed or late one. */
export async function waitLoaderPods(client: KubeClient, o: WaitLoaderOptions): Promise<EndedLoader[]> {
  const where = `Job ${o.namespace}/${o.jobName}`;
  const fail = (what: string, fix: string): never => {
    throw new RunError({ what, where, fix });
  };
  const start = new Date(o.startEpochMs).toISOString();
  for (;;) {
    o.signal?.throwIfAborted();
    const job = await client.get<JobLike>(`/apis/batch/v1/namespaces/${o.namespace}/jobs/${o.jobName}`, o.signal);
    const failed = job.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
    const pods = (await client.list<JobPod>(`/api/v1/namespaces/${o.namespace}/pods`, { labelSelector: `batch.kubernetes.io/job-name=${o.jobName}` }, o.signal)).filter((p) => Number.isInteger(indexOf(p)));
    const done = new Map<number, { pod: JobPod; t: NonNullable<ContainerState['terminated']> }>();
    const now = Date.now();
    for (const p of pods) {
      const state = p.status?.containerStatuses?.find((c) => c.name === LOADER_CONTAINER)?.state;
      const startedAt = state?.running?.startedAt ?? state?.terminated?.startedAt;
      const name = `pod ${p.metadata.name} (index ${indexOf(p)})`;
      if (state?.waiting?.reason && STUCK.has(state.waiting.reason)) {
        fail(`${name}: the loader container cannot start: ${state.waiting.reason}${state.waiting.message ? `: ${state.waiting.message}` : ''}`, 'check kubernetes.images.loader (default node:24-alpine) can be pulled from the nodes; in an air-gapped cluster, mirror it and set kubernetes.images.loader');
      }
      // startedAt has whole seconds, rounded down: later than the start means surely after it.
      if (startedAt && Date.parse(startedAt) > o.startEpochMs) {
        fail(`${name} started too late: its loader container started at ${at(startedAt)}, after the common start at ${start}; its window would not be the other pods'`, 'give the pods more time before the start (image pulls on fresh nodes, busy schedulers): pre-pull the loader image, or raise the start lead');
      }
      // A failed loader fails the trial now, with its log, rather than after the others.
      if (state?.terminated && state.terminated.exitCode !== 0) await readLoaderOutput(client, { namespace: o.namespace, index: indexOf(p), pod: p, terminated: state.terminated }, o.signal);
      if (state?.terminated) done.set(indexOf(p), { pod: p, t: state.terminated });
    }
    if (done.size === o.pods) return [...done.entries()].sort(([a], [b]) => a - b).map(([index, d]) => ({ namespace: o.namespace, index, pod: d.pod, terminated: d.t }));
    if (failed) fail(`the load Job failed before every loader ended: ${failed.reason ?? ''}${failed.message ? `: ${failed.message}` : ''}`, `see the Job's events and its pods' logs (kubectl -n ${o.namespace} describe job ${o.jobName})`);
    if (now > o.startEpochMs + NOT_RUNNING_GRACE_MS) {
      const started = new Set(pods.filter((p) => p.status?.containerStatuses?.some((c) => c.name === LOADER_CONTAINER && (c.state?.running || c.state?.terminated))).map(indexOf));
      const missing = Array.from({ length: o.pods }, (_, i) => i).filter((i) => !started.has(i));
      if (missing.length) {
        const why = missing.map((i) => {
          const p = pods.find((x) => indexOf(x) === i);
          return p ? `${p.metadata.name} (${p.status?.phase ?? 'no status'}${p.status?.reason ? `, ${p.status.reason}` : ''})` : `index ${i} (no pod yet)`;
        });
        fail(`load pods were not running at the common start ${start}: ${why.join(', ')}`, 'give the pods more time before the start (image pulls on fresh nodes, busy schedulers): pre-pull the loader image, or raise the start lead');
      }
    }
    if (now > o.deadlineEpochMs) {
      fail(`the loader containers had not all ended ${Math.round((now - o.startEpochMs) / 1000)} s after the common start (${done.size} of ${o.pods} ended)`, `see the loader pods' logs (kubectl -n ${o.namespace} logs -l batch.kubernetes.io/job-name=${o.jobName} -c ${LOADER_CONTAINER}): a proxy that keeps the pod alive is fine, a loader that does not end is not`);
    }
    await pause(o.pollMs, o.signal);
  }
}

const RESULT_PREFIX = '{"kind":"meshbench-load-result"';

/** The engine's result line: the last line that is one (the sidecar-quit message on stderr may follow it in a log). */
export function resultLineOf(log: string): string | null {
  return log.split('\n').findLast((l) => l.startsWith(RESULT_PREFIX)) ?? null;
}

/** Reads an ended loader's log by container name; a failed loader or a log without a result line is the trial's failure. */
export async function readLoaderOutput(client: KubeClient, e: EndedLoader, signal?: AbortSignal): Promise<LoaderPodOutput> {
  const { namespace: ns, index, pod: p, terminated: t } = e;
  const log = await client.getText(`/api/v1/namespaces/${ns}/pods/${p.metadata.name}/log`, { container: LOADER_CONTAINER }, signal);
  const out: LoaderPodOutput = { index, pod: p.metadata.name, node: p.spec.nodeName ?? '', startedAt: t.startedAt ?? null, finishedAt: t.finishedAt ?? null, exitCode: t.exitCode ?? -1, log, resultLine: resultLineOf(log) };
  if (out.exitCode !== 0 || !out.resultLine) {
    const tail = log.split('\n').filter((l) => l && !l.startsWith(RESULT_PREFIX)).slice(-5).join('\n  ');
    throw new RunError({
      what: `load pod ${p.metadata.name} (index ${index}) ${out.exitCode !== 0 ? `exited with ${out.exitCode}${t.reason ? ` (${t.reason})` : ''}` : 'ended without a result line'}${tail ? `; its log ends:\n  ${tail}` : ''}`,
      where: `pod ${ns}/${p.metadata.name}, container ${LOADER_CONTAINER}`,
      fix: out.exitCode === 2 ? 'the engine refused its settings: a meshbench bug, please report it' : `see the message above; the whole log: kubectl -n ${ns} logs ${p.metadata.name} -c ${LOADER_CONTAINER}`,
    });
  }
  return out;
}
