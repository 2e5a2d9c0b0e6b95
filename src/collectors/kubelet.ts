/**
 * Per-container CPU and memory on Kubernetes, from each node's kubelet resource metrics, read
 * through the API server's node proxy (`/api/v1/nodes/NODE/proxy/metrics/resource`), so no
 * metrics-server and no Prometheus is needed.
 *
 * CPU: `container_cpu_usage_seconds_total` is cumulative; it is read at both edges of the window
 * and differenced over the samples' own timestamps (the kubelet stamps each with the time its
 * stats were taken, which may be seconds before the read), so cores = CPU seconds / seconds that
 * really elapsed between the two samples. The first sample counts only once it was taken inside
 * the window. A kubelet that stamps nothing (kwok) is timed by the read itself.
 * Memory: `container_memory_working_set_bytes`, sampled through the window (average and maximum).
 *
 * When the node proxy is forbidden (no `nodes/proxy` permission), it falls back to metrics.k8s.io
 * (metrics-api.ts), whose figures are ~15 s averages, and says so through `caveats`.
 */
import { RunError } from '../errors.ts';
import { KubeApiError, type KubeClient } from '../platforms/kubernetes/client.ts';
import type { KubernetesContainer, WatchedContainer } from '../platforms/types.ts';
import { MetricsApiCollector, METRICS_API_CAVEAT, nodeCores } from './metrics-api.ts';
import { assertPlausible } from './plausible.ts';
import { startSampling } from './sampling.ts';
import type { Collector, CollectorWindow, ResourceUsage } from './types.ts';

export interface KubeletCollectorOptions {
  client: KubeClient;
  /** Memory (and per-interval CPU) sampling period; default 1000 ms. */
  intervalMs?: number;
  /**
   * The node proxy path of a node's resource metrics. Default: the kubelet's own
   * `/metrics/resource`. (kwok serves several nodes from one process at
   * `/metrics/nodes/NODE/metrics/resource`; the test tier uses that.)
   */
  resourcePath?: (node: string) => string;
  /**
   * How long a watched container may be missing from its node's metrics at the window's start
   * (a container just started has no stats until the kubelet's next housekeeping); default 15 s.
   */
  missingGraceMs?: number;
  /** Told once when the collector falls back to metrics.k8s.io, with why. */
  onNotice?: (message: string) => void;
}

export interface ContainerSample {
  cpuSeconds?: number;
  /** The sample's own timestamp (epoch ms), or the read time when the kubelet gives none. */
  cpuAtMs?: number;
  /** false: the kubelet gave no timestamp, so cpuAtMs is the read time. */
  cpuStamped?: boolean;
  memoryBytes?: number;
}

const key = (namespace: string, pod: string, container: string) => `${namespace}/${pod}/${container}`;

/** Prometheus text exposition of /metrics/resource → samples by namespace/pod/container. */
export function parseResourceMetrics(text: string, readAtMs: number): Map<string, ContainerSample> {
  const out = new Map<string, ContainerSample>();
  for (const line of text.split('\n')) {
    const m = /^(container_cpu_usage_seconds_total|container_memory_working_set_bytes)\{([^}]*)\}\s+(\S+)(?:\s+(-?\d+))?\s*$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of m[2]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    if (!labels.namespace || !labels.pod || !labels.container) continue;
    const k = key(labels.namespace, labels.pod, labels.container);
    const s = out.get(k) ?? {};
    const value = Number(m[3]);
    if (m[1] === 'container_cpu_usage_seconds_total') {
      s.cpuSeconds = value;
      s.cpuAtMs = m[4] !== undefined ? Number(m[4]) : readAtMs;
      s.cpuStamped = m[4] !== undefined;
    } else s.memoryBytes = value;
    out.set(k, s);
  }
  return out;
}

export interface Track {
  c: KubernetesContainer;
  first?: { cpuSeconds: number; atMs: number };
  last?: { cpuSeconds: number; atMs: number };
  /**
   * The counter fell to zero: the container exited (a finished load Job) and its cgroup is
   * gone, so the kubelet reports zeros. Its window ends at its last sample before that.
   */
  exited?: boolean;
  /** The counter went down and then counted again: the container restarted. */
  restarted?: { from: number; to: number };
  maxCores: number;
  memSum: number;
  memMax: number;
  memN: number;
}

/** One scrape's sample into a container's track. */
export function advanceTrack(t: Track, s: ContainerSample | undefined, beginAtMs: number): void {
  if (t.restarted || !s) return;
  const cpu = s.cpuSeconds;
  if (cpu !== undefined && t.last && cpu < t.last.cpuSeconds) {
    if (cpu === 0 && !t.exited) t.exited = true;
    else if (cpu > 0) t.restarted = { from: t.last.cpuSeconds, to: cpu };
    return;
  }
  if (t.exited) {
    if (cpu !== undefined && cpu > 0) t.restarted = { from: t.last!.cpuSeconds, to: cpu };
    return;
  }
  if (s.memoryBytes !== undefined) {
    t.memSum += s.memoryBytes;
    t.memMax = Math.max(t.memMax, s.memoryBytes);
    t.memN++;
  }
  if (cpu === undefined || s.cpuAtMs === undefined) return;
  const cur = { cpuSeconds: cpu, atMs: s.cpuAtMs };
  // Stats taken before the window began do not count: the first edge must be inside it.
  if (!t.first) {
    if (cur.atMs >= beginAtMs - 1) t.first = t.last = cur;
    return;
  }
  if (cur.atMs > t.last!.atMs) {
    t.maxCores = Math.max(t.maxCores, (cur.cpuSeconds - t.last!.cpuSeconds) / ((cur.atMs - t.last!.atMs) / 1000));
    t.last = cur;
  }
}

export class KubeletCollector implements Collector {
  readonly name = 'kubelet';
  /** What a reader must know about the figures (set when falling back to metrics.k8s.io). */
  readonly caveats: string[] = [];
  private readonly o: KubeletCollectorOptions;

  constructor(o: KubeletCollectorOptions) {
    this.o = o;
  }

  async begin(containers: readonly WatchedContainer[]): Promise<CollectorWindow> {
    const kube = containers.filter((c): c is KubernetesContainer => c.kind === 'kubernetes');
    const nodes = [...new Set(kube.map((c) => c.node))];
    const beginAtMs = Date.now();
    const tracks = kube.map((c): Track => ({ c, maxCores: 0, memSum: 0, memMax: 0, memN: 0 }));
    const unstamped = new Set<string>();
    const scrape = async () => {
      const byNode = await Promise.all(nodes.map((n) => this.read(n)));
      const samples = new Map(nodes.map((n, i) => [n, byNode[i]!]));
      for (const t of tracks) {
        const s = samples.get(t.c.node)!.get(key(t.c.namespace, t.c.pod, t.c.container));
        if (s?.cpuSeconds !== undefined && s.cpuAtMs !== undefined && !s.cpuStamped) unstamped.add(t.c.node);
        advanceTrack(t, s, beginAtMs);
      }
    };
    try {
      await scrape();
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 403)) throw e;
      const notice = `the node proxy is forbidden (${e.path}: 403), so resources come from metrics.k8s.io: ${METRICS_API_CAVEAT}`;
      this.caveats.push(notice);
      this.o.onNotice?.(notice);
      return new MetricsApiCollector({ client: this.o.client, intervalMs: this.o.intervalMs ?? 1_000 }).begin(containers);
    }
    const seen = (t: Track) => t.memN > 0 || t.first !== undefined;
    const graceEndMs = Date.now() + (this.o.missingGraceMs ?? 15_000);
    while (!tracks.every(seen) && Date.now() < graceEndMs) {
      await new Promise((resolve) => setTimeout(resolve, this.o.intervalMs ?? 1_000));
      await scrape();
    }
    for (const t of tracks) {
      if (!seen(t)) {
        throw new RunError({ what: `node ${t.c.node} reports no resource metrics for ${t.c.namespace}/${t.c.pod}/${t.c.container}`, where: 'kubelet collector', fix: 'check that the container runs (kubectl -n NAMESPACE get pod POD) and that its node\'s kubelet serves /metrics/resource' });
      }
    }
    const sampling = startSampling(scrape, this.o.intervalMs ?? 1_000);
    return {
      cancel: () => sampling.cancel(),
      end: async (): Promise<ResourceUsage[]> => {
        await sampling.finish();
        if (unstamped.size) this.caveats.push(`the kubelets of ${[...unstamped].sort().join(', ')} stamp no samples: their CPU is timed by the reads (each read's round trip is its uncertainty)`);
        const cores = new Map(await Promise.all(nodes.map(async (n) => [n, await nodeCores(this.o.client, n)] as const)));
        return tracks.map((t) => {
          if (!t.first || t.last!.atMs <= t.first.atMs) {
            throw new RunError({
              what: `the kubelet of node ${t.c.node} gave no two CPU samples of ${t.c.pod}/${t.c.container} inside the window`,
              where: 'kubelet collector',
              fix: 'lengthen load.duration: the kubelet refreshes its stats every 10-15 s, and the window needs two of them',
            });
          }
          if (t.restarted) {
            throw new RunError({
              what: `the CPU counter of ${t.c.pod}/${t.c.container} on node ${t.c.node} went down in the window (${t.restarted.from} s to ${t.restarted.to} s) and counted again: the container restarted, and its figure would mix two lives`,
              where: 'kubelet collector',
              fix: `see why it restarted: kubectl -n ${t.c.namespace} describe pod ${t.c.pod}`,
            });
          }
          const windowMs = t.last!.atMs - t.first.atMs;
          const cpuCores = (t.last!.cpuSeconds - t.first.cpuSeconds) / (windowMs / 1000);
          const usage: ResourceUsage = {
            pod: t.c.pod,
            container: t.c.container,
            role: t.c.role,
            cpuCores,
            cpuCoresMax: Math.max(t.maxCores, cpuCores),
            memoryBytesAvg: t.memN ? Math.round(t.memSum / t.memN) : 0,
            memoryBytesMax: t.memMax,
            samples: t.memN,
            windowMs,
          };
          const capacity = cores.get(t.c.node) ?? null;
          // Stamped samples are timed to the ms; unstamped ones by a read's round trip, a few % of a 1 s interval.
          assertPlausible(usage, { cores: capacity, toleranceCores: capacity === null ? 0 : capacity * (unstamped.has(t.c.node) ? 0.05 : 0.01), where: 'kubelet collector' });
          return usage;
        });
      },
    };
  }

  private async read(node: string): Promise<Map<string, ContainerSample>> {
    const path = `/api/v1/nodes/${encodeURIComponent(node)}/proxy${(this.o.resourcePath ?? (() => '/metrics/resource'))(node)}`;
    const sentAtMs = Date.now();
    const text = await this.o.client.getText(path);
    // No sample timestamp: the counter was read somewhere between sending and receiving.
    return parseResourceMetrics(text, Math.round((sentAtMs + Date.now()) / 2));
  }
}
