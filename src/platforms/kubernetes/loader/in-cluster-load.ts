/**
 * One trial's in-cluster load, whole, for run/ to call where a local run calls `engine.run`:
 * start the engine Job, learn where its pods landed (their loader containers are watched as
 * `loadgen`, their proxies as `sidecar`, the node proxies of their nodes as `node-proxy`), follow
 * the measured window on the wall clock so the collectors read at its edges, then wait for the
 * loaders, read their logs and merge their results exactly with load/'s decoder and merge (passed
 * in: this layer does not parse load results).
 */
import { RunError } from '../../../errors.ts';
import type { KubernetesOverlay } from '../../../meshes/kubernetes.ts';
import type { KubernetesContainer } from '../../types.ts';
import type { KubeClient } from '../client.ts';
import { LOADER_CONTAINER } from './job.ts';
import { findNodeProxies } from '../node-proxies.ts';
import { collectPodResults, type Decoded, type PodResults } from './pod-results.ts';
import { finishLoader, startLoader, type LoaderRun, type RunLoaderOptions } from './runner.ts';
import { followWindow, pause, type WindowPhase } from './window.ts';

interface ScheduledPod {
  metadata: { name: string; namespace: string };
  spec: { nodeName?: string; containers: { name: string }[]; initContainers?: { name: string; restartPolicy?: string }[] };
}

export interface LoaderContainersOptions {
  namespace: string;
  jobName: string;
  pods: number;
  overlay: Pick<KubernetesOverlay, 'dataPlaneContainers' | 'dataPlanePods'>;
  /** Containers already watched (the deployment's): not added twice. */
  known: readonly { namespace: string; pod: string; container: string }[];
  /** Until when the pods may take to be placed (the common start). */
  untilEpochMs: number;
  pollMs?: number;
  signal?: AbortSignal | undefined;
}

/** The containers the load Job adds to the trial, once every one of its pods has a node. */
export async function loaderContainers(client: KubeClient, o: LoaderContainersOptions): Promise<KubernetesContainer[]> {
  let pods: ScheduledPod[] = [];
  for (;;) {
    pods = (await client.list<ScheduledPod>(`/api/v1/namespaces/${o.namespace}/pods`, { labelSelector: `batch.kubernetes.io/job-name=${o.jobName}` }, o.signal)).filter((p) => p.spec.nodeName);
    if (pods.length >= o.pods) break;
    if (Date.now() > o.untilEpochMs) {
      throw new RunError({ what: `only ${pods.length} of ${o.pods} load pods had a node at the common start`, where: `Job ${o.namespace}/${o.jobName}`, fix: 'see why the others are Pending (kubectl -n NAMESPACE describe pod): node selectors, anti-affinity, capacity' });
    }
    await pause(o.pollMs ?? 500, o.signal);
  }
  const known = new Set(o.known.map((k) => `${k.namespace}/${k.pod}/${k.container}`));
  const out: KubernetesContainer[] = [];
  const add = (c: KubernetesContainer) => {
    const k = `${c.namespace}/${c.pod}/${c.container}`;
    if (known.has(k)) return;
    known.add(k);
    out.push(c);
  };
  for (const p of pods) {
    const at = { kind: 'kubernetes' as const, namespace: p.metadata.namespace, pod: p.metadata.name, node: p.spec.nodeName! };
    add({ ...at, container: LOADER_CONTAINER, role: 'loadgen' });
    const proxies = [...p.spec.containers, ...(p.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')].filter((c) => o.overlay.dataPlaneContainers.includes(c.name));
    for (const c of proxies) add({ ...at, container: c.name, role: 'sidecar' });
  }
  // Node proxies (ztunnel) on the loaders' nodes carry the client side of the traffic: charged per
  // node; a loader's node without one fails the trial.
  const nodes = new Set(pods.map((p) => p.spec.nodeName ?? ''));
  for (const d of o.overlay.dataPlanePods.filter((x) => x.nodesInvolvedOnly)) {
    for (const c of await findNodeProxies(client, d, nodes, o.signal ?? undefined)) add(c);
  }
  return out;
}

export interface InClusterLoadOptions<T> extends RunLoaderOptions {
  overlay: Pick<KubernetesOverlay, 'dataPlaneContainers' | 'dataPlanePods'>;
  /** The deployment's watched containers. */
  known: readonly KubernetesContainer[];
  /**
   * Given every container to watch (the deployment's and the Job's), returns what to call at the
   * window's edges: run/ builds its WindowResources there and returns its onPhase.
   */
  watch: (containers: KubernetesContainer[]) => (phase: WindowPhase) => void;
  decode: (line: string) => Decoded<T>;
  merge: (parts: T[]) => T;
}

export interface InClusterLoad<T> {
  run: LoaderRun;
  results: PodResults<T>;
  /** The Job's own containers, added to the deployment's. */
  added: KubernetesContainer[];
}

export async function runInClusterLoad<T>(client: KubeClient, o: InClusterLoadOptions<T>): Promise<InClusterLoad<T>> {
  const started = await startLoader(client, o);
  const added = await loaderContainers(client, { namespace: started.namespace, jobName: started.jobName, pods: started.pods, overlay: o.overlay, known: o.known, untilEpochMs: started.startEpochMs, pollMs: o.pollMs, signal: o.signal });
  const onPhase = o.watch([...o.known, ...added]);
  const stop = new AbortController();
  const windowDone = followWindow(started.window, onPhase, o.signal ? AbortSignal.any([o.signal, stop.signal]) : stop.signal);
  windowDone.catch(() => {});
  let run: LoaderRun;
  try {
    run = await finishLoader(client, started, o);
    // The loaders may report before the window's wall-clock end (clock skew, a simulated cluster): the collectors still read at its edge.
    await windowDone;
  } catch (e) {
    stop.abort(e);
    throw e;
  }
  return { run, results: collectPodResults(run.pods, started.pods, o.decode, o.merge), added };
}
