/** Resource collectors, by name; `run/` pairs each platform with the ones that can watch it. */
import type { KubeClient } from '../platforms/kubernetes/client.ts';
import { KubeletCollector } from './kubelet.ts';
import { ProcfsCollector, type ProcfsCollectorOptions } from './procfs.ts';
import type { Collector } from './types.ts';

export type { Collector, CollectorWindow, ResourceUsage } from './types.ts';
export { ProcfsCollector } from './procfs.ts';
export { KubeletCollector, type KubeletCollectorOptions } from './kubelet.ts';
export { MetricsApiCollector, METRICS_API_CAVEAT } from './metrics-api.ts';

export interface CollectorOptions {
  /** Memory (and per-interval CPU) sampling period. */
  sampleIntervalMs: number;
  /** Kubernetes: the run's cluster client, for the collectors that read it. */
  kubeClient?: KubeClient;
  /** Told what a reader must know about the figures (e.g. the metrics.k8s.io fallback's ~15 s averages). */
  onNotice?: (message: string) => void;
}

export const collectors = {
  procfs: (o: CollectorOptions): Collector => new ProcfsCollector({ intervalMs: o.sampleIntervalMs } satisfies ProcfsCollectorOptions),
  kubelet: (o: CollectorOptions): Collector => {
    if (!o.kubeClient) throw new Error('the kubelet collector needs the cluster client (CollectorOptions.kubeClient)');
    return new KubeletCollector({ client: o.kubeClient, intervalMs: o.sampleIntervalMs, ...(o.onNotice ? { onNotice: o.onNotice } : {}) });
  },
} as const satisfies Record<string, (o: CollectorOptions) => Collector>;

export type CollectorName = keyof typeof collectors;
