/**
 * The numbers a gate compares: per mesh and load level, one value per valid repetition (from a
 * single result), or one median per run (from a folder of past results: a rolling baseline).
 * Invalid, failed and aborted trials never enter.
 */
import { byRole } from '../resources.ts';
import type { MeasuredTrial, RunResult } from '../model.ts';
import type { GateMetric } from '../../scenario/gates.ts';
import { median } from './bootstrap.ts';

export type CellKey = `${string}|${string}`;
export const cellKey = (mesh: string, level: string): CellKey => `${mesh}|${level}`;

/** cell → metric → samples */
export type Samples = Map<CellKey, Map<GateMetric, number[]>>;

function metricOf(t: MeasuredTrial, metric: GateMetric): number | null {
  switch (metric) {
    case 'p50':
      return t.latency.p50Us;
    case 'p90':
      return t.latency.p90Us;
    case 'p99':
      return t.latency.p99Us;
    case 'rps':
      return t.load.achievedRps;
    case 'errors':
      return t.load.requests > 0 ? (t.load.responsesNon2xx + t.load.errors) / t.load.requests : null;
    case 'sidecar_cpu':
      return byRole(t.resources, 'sidecar')?.cpuCores ?? null;
    case 'app_cpu':
      return byRole(t.resources, 'app')?.cpuCores ?? null;
    case 'sidecar_mem':
      return byRole(t.resources, 'sidecar')?.memoryBytesAvg ?? null;
  }
}

const METRICS: GateMetric[] = ['p50', 'p90', 'p99', 'rps', 'errors', 'sidecar_cpu', 'app_cpu', 'sidecar_mem'];

/** One sample per valid trial. */
export function trialSamples(result: RunResult): Samples {
  const samples: Samples = new Map();
  for (const t of result.trials) {
    if (t.status !== 'valid') continue;
    const key = cellKey(t.trial.mesh, t.trial.level.id);
    const cell = samples.get(key) ?? new Map<GateMetric, number[]>();
    samples.set(key, cell);
    for (const metric of METRICS) {
      const value = metricOf(t, metric);
      if (value !== null) cell.set(metric, [...(cell.get(metric) ?? []), value]);
    }
  }
  return samples;
}

/** One sample per run: the median of its valid repetitions (a rolling baseline over runs). */
export function runMedianSamples(results: readonly RunResult[]): Samples {
  const samples: Samples = new Map();
  for (const result of results) {
    for (const [key, cell] of trialSamples(result)) {
      const merged = samples.get(key) ?? new Map<GateMetric, number[]>();
      samples.set(key, merged);
      for (const [metric, values] of cell) merged.set(metric, [...(merged.get(metric) ?? []), median(values)]);
    }
  }
  return samples;
}
