/**
 * The numbers a gate compares: per mesh and load level, one value per repetition (from a single
 * result), or one median per run (from a folder of past results: a rolling baseline). Failed and
 * aborted trials never enter.
 */
import { GATE_METRICS, REDLINE_LEVEL, type GateMetric } from '../../scenario/gates.ts';
import { readsEveryMeasuredTrial, trialMetric, type TrialMetric } from '../metrics.ts';
import { searchRedlines } from '../redline.ts';
import { isMeasured, type RunResult } from '../model.ts';
import { median } from './intervals.ts';

export type CellKey = `${string}|${string}`;
export const cellKey = (mesh: string, level: string): CellKey => `${mesh}|${level}`;

/** cell → metric → samples */
export type Samples = Map<CellKey, Map<GateMetric, number[]>>;

/** The gate metrics a single trial has; `redline` is one value per search, added apart. */
const METRICS = (Object.keys(GATE_METRICS) as GateMetric[]).filter((m): m is GateMetric & TrialMetric => m !== 'redline');

/** One sample per trial: valid ones, and invalid ones for errors and rps. */
export function trialSamples(result: RunResult): Samples {
  const samples: Samples = new Map();
  for (const t of result.trials) {
    if (!isMeasured(t)) continue;
    const key = cellKey(t.trial.mesh, t.trial.level.id);
    const cell = samples.get(key) ?? new Map<GateMetric, number[]>();
    samples.set(key, cell);
    for (const metric of METRICS) {
      if (t.status !== 'valid' && !readsEveryMeasuredTrial(metric)) continue;
      const value = trialMetric(t, metric);
      if (value !== null) cell.set(metric, [...(cell.get(metric) ?? []), value]);
    }
  }
  if (result.scenario.load.redline) {
    for (const mesh of result.scenario.meshes) samples.set(cellKey(mesh, REDLINE_LEVEL), new Map([['redline', [...searchRedlines(result, mesh).values()]]]));
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
