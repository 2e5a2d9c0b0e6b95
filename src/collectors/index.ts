/** Resource collectors, by name; `run/` pairs each platform with the ones that can watch it. */
import { ProcfsCollector, type ProcfsCollectorOptions } from './procfs.ts';
import type { Collector } from './types.ts';

export type { Collector, CollectorWindow, ResourceUsage } from './types.ts';
export { ProcfsCollector } from './procfs.ts';

export interface CollectorOptions {
  /** Memory (and per-interval CPU) sampling period. */
  sampleIntervalMs: number;
}

export const collectors = {
  procfs: (o: CollectorOptions): Collector => new ProcfsCollector({ intervalMs: o.sampleIntervalMs } satisfies ProcfsCollectorOptions),
} as const satisfies Record<string, (o: CollectorOptions) => Collector>;

export type CollectorName = keyof typeof collectors;
