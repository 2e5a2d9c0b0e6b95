/**
 * The fallback when the kubelet's node proxy is forbidden: metrics.k8s.io (metrics-server),
 * `/apis/metrics.k8s.io/v1beta1/namespaces/NS/pods/POD`. Each answer is metrics-server's own
 * average over its scrape window (`window`, ~15 s) ending at its `timestamp`, not a counter, so
 * the figures cannot be cut to the measured window: CPU is the mean of the distinct answers taken
 * in the window (an answer repeated with the same timestamp counts once), memory their mean and
 * maximum. Every result of this collector must carry METRICS_API_CAVEAT.
 */
import { RunError } from '../errors.ts';
import { KubeApiError, type KubeClient } from '../platforms/kubernetes/client.ts';
import type { KubernetesContainer, WatchedContainer } from '../platforms/types.ts';
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

interface Track {
  c: KubernetesContainer;
  seen: Set<string>;
  cpu: number[];
  mem: number[];
  firstAtMs?: number;
  lastAtMs?: number;
}

export class MetricsApiCollector implements Collector {
  readonly name = 'metrics.k8s.io';
  readonly caveats = [METRICS_API_CAVEAT];
  private readonly client: KubeClient;
  private readonly intervalMs: number;

  constructor(o: { client: KubeClient; intervalMs?: number }) {
    this.client = o.client;
    this.intervalMs = o.intervalMs ?? 1_000;
  }

  async begin(containers: readonly WatchedContainer[]): Promise<CollectorWindow> {
    const tracks = containers.filter((c): c is KubernetesContainer => c.kind === 'kubernetes').map((c): Track => ({ c, seen: new Set(), cpu: [], mem: [] }));
    const pods = [...new Set(tracks.map((t) => `${t.c.namespace}/${t.c.pod}`))];
    if ((await this.client.resources('metrics.k8s.io/v1beta1')) === null) {
      throw new RunError({ what: 'metrics.k8s.io is not served by this cluster (no metrics-server), and the kubelet\'s node proxy is forbidden: nothing can read container resources', where: 'kubelet collector', fix: 'grant this identity `get` on nodes/proxy (docs/kubernetes.md, "Permissions"), or install metrics-server' });
    }
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
        if (!usage || t.seen.has(a.timestamp)) continue;
        t.seen.add(a.timestamp);
        t.cpu.push(parseQuantity(usage.cpu));
        t.mem.push(parseQuantity(usage.memory));
        const atMs = Date.parse(a.timestamp);
        t.firstAtMs ??= atMs;
        t.lastAtMs = atMs;
      }
    };
    await take();
    const sampling = startSampling(take, this.intervalMs);
    return {
      cancel: () => sampling.cancel(),
      end: async () => {
        await sampling.finish();
        return tracks.map((t): ResourceUsage => {
          if (t.cpu.length === 0) throw new RunError({ what: `metrics.k8s.io gave no figures for ${t.c.namespace}/${t.c.pod}/${t.c.container} during the window`, where: 'metrics.k8s.io collector', fix: `metrics-server lists a new pod after its first scrape (up to a minute): lengthen load.duration, or check \`kubectl top pod -n ${t.c.namespace} ${t.c.pod} --containers\`` });
          const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
          return {
            pod: t.c.pod,
            container: t.c.container,
            role: t.c.role,
            cpuCores: mean(t.cpu),
            cpuCoresMax: Math.max(...t.cpu),
            memoryBytesAvg: Math.round(mean(t.mem)),
            memoryBytesMax: Math.max(...t.mem),
            samples: t.mem.length,
            windowMs: (t.lastAtMs ?? 0) - (t.firstAtMs ?? 0),
          };
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
