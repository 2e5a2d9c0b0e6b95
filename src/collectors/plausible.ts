/**
 * The last check of every collector's figures: a container's CPU or memory over a window can never
 * be negative, nor its CPU above what its machine's cores can do. Such a figure means the reading
 * was wrong (counters read at different moments, a process lost from the tree, a clock mix-up),
 * so the trial's collection fails with it, loudly, instead of the figure entering medians.
 */
import { RunError } from '../errors.ts';
import type { ResourceUsage } from './types.ts';

export interface PlausibleLimits {
  /** Cores of the machine the container ran on; null when unknown (only the signs are checked). */
  cores: number | null;
  /**
   * How far above `cores` a figure may read and still be what the machine did: the collector's
   * own resolution (clock ticks, read timing), in cores. Default 0.
   */
  toleranceCores?: number;
  /** The collector, for the error's `where`. */
  where: string;
}

/** Throws a RunError naming the first impossible figure of `u`. */
export function assertPlausible(u: ResourceUsage, limits: PlausibleLimits): void {
  const name = `${u.pod}/${u.container}`;
  const fail = (what: string) =>
    new RunError({
      what: `${name} (${u.role}): ${what}; such a figure is impossible, so the trial's resources are not recorded`,
      where: limits.where,
      fix: 'this is a fault of the measurement, not of the workload: run the trial again, and report it (with the trial\'s log) if it comes back',
    });
  const figures = { cpuCores: u.cpuCores, cpuCoresMax: u.cpuCoresMax, memoryBytesAvg: u.memoryBytesAvg, memoryBytesMax: u.memoryBytesMax };
  for (const [field, value] of Object.entries(figures)) {
    if (!Number.isFinite(value)) throw fail(`${field} is ${value}`);
    if (value < 0) throw fail(`${field} is negative (${value})`);
  }
  if (limits.cores === null) return;
  const limit = limits.cores + (limits.toleranceCores ?? 0);
  for (const field of ['cpuCores', 'cpuCoresMax'] as const) {
    if (u[field] > limit) throw fail(`${field} is ${u[field].toFixed(3)} cores, above the machine's ${limits.cores}`);
  }
}
