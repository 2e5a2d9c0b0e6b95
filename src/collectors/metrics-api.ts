/**
 * The fallback when the kubelet's node proxy is forbidden: metrics.k8s.io (metrics-server),
 * `/apis/metrics.k8s.io/v1beta1/namespaces/NS/pods/POD`. Each answer is metrics-server's own
 * average over its scrape window (`window`, ~15 s) ending at its `timestamp`, not a counter, so
 * the figures cannot be cut to the measured window. The kubelet path's rule holds here too: only
 * figures from inside the window count. CPU comes from the answers whose whole averaging window
 * lies inside the measured one (an answer from before the window, or one averaging over time
 * before it, is left out), weighted by their windows; memory (working set at the answer's
 * timestamp) from the answers stamped inside it. An answer repeated with the same timestamp counts
 * once. Every result of this collector must carry METRICS_API_CAVEAT.
 */
import { RunError } from '../errors.ts';
import { KubeApiError, type KubeClient } from '../platforms/kubernetes/client.ts';
import type { KubernetesContainer, WatchedContainer } from '../platforms/types.ts';
import { assertPlausible } from './plausible.ts';
import { startSampling } from './sampling.ts';
import type { Collector, CollectorWindow, ResourceUsage } from './types.ts';

export const METRICS_API_CAVEAT = 'metrics.k8s.io figures are metrics-server\'s ~15 s averages, not exact windows: CPU and memory are only approximately those of the measured window';

// Fractions divide (123456789n / 1e9 is exact where × 1e-9 is not); the rest multiply.
const DIVISOR: Record<string, number> = { n: 1e9, u: 1e6, m: 1e3 };
const SUFFIX: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6 };

/** A Kubernetes quantity ("250m", "123456789n", "300Mi", "1.5", "2e3") as a number. */
export function parseQuantity(q: string): number {
  const m = /^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(n|u|m|k|K|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(q.trim());
  if (!m) throw new RangeError(`not a Kubernetes quantity: ${JSON.stringify(q)}`);
  const unit = m[2] ?? '';
  return unit in DIVISOR ? Number(m[1]) / DIVISOR[unit]! : Number(m[1]) * SUFFIX[unit]!;
}

interface PodMetrics {
  timestamp: string;
  window: string;
  containers: { name: string; usage: { cpu: string; memory: string } }[];
}

/** One distinct answer for a container: its figures, and the span its CPU average covers. */
interface Answer {
  cpuCores: number;
  memoryBytes: number;
  fromMs: number;
  atMs: number;
}

interface Track {
  c: KubernetesContainer;
  answers: Map<string, Answer>;
}

const GO_DURATION_UNITS_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 1e-3, 'µs': 1e-3, ns: 1e-6 };

/** A Go duration string, as metrics-server writes `window` ("15s", "20.5s", "1m0s", "500ms"), in ms. */
export function parseGoDurationMs(d: string): number {
  const parts = [...d.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== d) throw new RangeError(`not a duration: ${JSON.stringify(d)}`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * GO_DURATION_UNITS_MS[p[2]!]!, 0);
}

/** A node's CPU capacity, the most its containers can use; null when it cannot be read. */
export async function nodeCores(client: Pick<KubeClient, 'get'>, node: string): Promise<number | null> {
  try {
    const n = await client.get<{ status?: { capacity?: { cpu?: string } } }>(`/api/v1/nodes/${encodeURIComponent(node)}`);
    const cpu = n.status?.capacity?.cpu;
    return cpu === undefined ? null : parseQuantity(cpu);
  } catch {
    // Without \`get\` on nodes only the signs of the figures are checked; the figures stand.
    return null;
  }
}

/** What this collector asks of the cluster client. */
export type MetricsApiClient = Pick<KubeClient, 'resources' | 'get'>;

export class MetricsApiCollector implements Collector {
  readonly name = 'metrics.k8s.io';
  readonly caveats = [METRICS_API_CAVEAT];
  private readonly client: MetricsApiClient;
  private readonly intervalMs: number;

  constructor(o: { client: MetricsApiClient; intervalMs?: number }) {
    this.client = o.client;
    this.intervalMs = o.intervalMs ?? 1_000;
  }

  async begin(containers: readonly WatchedContainer[]): Promise<CollectorWindow> {
    const tracks = containers.filter((c): c is KubernetesContainer => c.kind === 'kubernetes').map((c): Track => ({ c, answers: new Map() }));
    const pods = [...new Set(tracks.map((t) => `${t.c.namespace}/${t.c.pod}`))];
    if ((await this.client.resources('metrics.k8s.io/v1beta1')) === null) {
      throw new RunError({ what: 'metrics.k8s.io is not served by this cluster (no metrics-server), and the kubelet\'s node proxy is forbidden: nothing can read container resources', where: 'kubelet collector', fix: 'grant this identity `get` on nodes/proxy (docs/kubernetes.md, "Permissions"), or install metrics-server' });
    }
    // As the kubelet path: the harness's clock at the window's start (1 ms for the rounding of stamps).
    const beginAtMs = Date.now() - 1;
    const take = async () => {
      const answers = new Map<string, PodMetrics | null>();
      for (const p of pods) {
        const [ns, pod] = p.split('/') as [string, string];
        answers.set(p, await this.get(ns, pod));
      }
      for (const t of tracks) {
        const a = answers.get(`${t.c.namespace}/${t.c.pod}`);
        if (!a) continue;
        const usage = a.containers.find((x) => x.name === t.c.container)?.usage;
        if (!usage || t.answers.has(a.timestamp)) continue;
        const atMs = Date.parse(a.timestamp);
        t.answers.set(a.timestamp, { cpuCores: parseQuantity(usage.cpu), memoryBytes: parseQuantity(usage.memory), fromMs: atMs - parseGoDurationMs(a.window), atMs });
      }
    };
    await take();
    const sampling = startSampling(take, this.intervalMs);
    return {
      cancel: () => sampling.cancel(),
      end: async () => {
        await sampling.finish();
        const endAtMs = Date.now() + 1;
        const nodes = [...new Set(tracks.map((t) => t.c.node))];
        const cores = new Map(await Promise.all(nodes.map(async (n) => [n, await nodeCores(this.client, n)] as const)));
        return tracks.map((t): ResourceUsage => {
          const all = [...t.answers.values()];
          const cpu = all.filter((a) => a.fromMs >= beginAtMs && a.atMs <= endAtMs);
          const mem = all.filter((a) => a.atMs >= beginAtMs && a.atMs <= endAtMs);
          if (cpu.length === 0) {
            const windows = [...new Set(all.map((a) => `${Math.round((a.atMs - a.fromMs) / 1_000)} s`))].join(', ') || 'none seen';
            throw new RunError({
              what: `metrics.k8s.io gave no CPU figure for ${t.c.namespace}/${t.c.pod}/${t.c.container} averaged over time inside the ${endAtMs - beginAtMs} ms window (${all.length} answer(s); their averaging windows: ${windows})`,
              where: 'metrics.k8s.io collector',
              fix: `metrics-server averages over its scrape window (~15 s) and lists a new pod after its first scrape (up to a minute): lengthen load.duration to well over two of its windows (60s or more), or grant \`get\` on nodes/proxy so the kubelet's counters are read instead; \`kubectl top pod -n ${t.c.namespace} ${t.c.pod} --containers\` shows what it has`,
            });
          }
          const spanMs = cpu.reduce((sum, a) => sum + (a.atMs - a.fromMs), 0);
          const usage: ResourceUsage = {
            pod: t.c.pod,
            container: t.c.container,
            role: t.c.role,
            // Each answer is an average over its own window: weighted by that window.
            cpuCores: spanMs > 0 ? cpu.reduce((sum, a) => sum + a.cpuCores * (a.atMs - a.fromMs), 0) / spanMs : mean(cpu.map((a) => a.cpuCores)),
            cpuCoresMax: Math.max(...cpu.map((a) => a.cpuCores)),
            memoryBytesAvg: Math.round(mean(mem.map((a) => a.memoryBytes))),
            memoryBytesMax: mem.length ? Math.max(...mem.map((a) => a.memoryBytes)) : 0,
            samples: mem.length,
            windowMs: Math.max(...cpu.map((a) => a.atMs)) - Math.min(...cpu.map((a) => a.fromMs)),
          };
          assertPlausible(usage, { cores: cores.get(t.c.node) ?? null, where: 'metrics.k8s.io collector' });
          return usage;
        });
      },
    };
  }

  /** null while metrics-server has no figures for the pod yet (it lists a new pod after its first scrape, up to a minute). */
  private async get(namespace: string, pod: string): Promise<PodMetrics | null> {
    try {
      return await this.client.get<PodMetrics>(`/apis/metrics.k8s.io/v1beta1/namespaces/${namespace}/pods/${pod}`);
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return null;
      throw e;
    }
  }
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
