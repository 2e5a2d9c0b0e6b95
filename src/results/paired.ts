/**
 * Estimates paired by repetition (DESIGN.md "What a result means"): repetition r of a mesh is
 * paired with repetition r of the reference at the same level; a repetition missing (or, for
 * latency and resources, invalid) on either side is left out, and the estimate says how many pairs
 * it rests on. Its interval states the coverage it really has at that n (compare/intervals.ts); a
 * figure is firm only when that coverage reaches the level asked and it rests on 3 or more pairs.
 */
import { DEFAULT_CONFIDENCE, medianInterval, type Interval } from './compare/intervals.ts';
import { readsEveryMeasuredTrial, trialMetric, type TrialMetric } from './metrics.ts';
import { isMeasured, type MeasuredTrial, type RunResult } from './model.ts';

/** Never a firm figure below this many pairs, whatever level is asked. */
export const MIN_FIRM_PAIRS = 3;

/** The fewest pairs whose [min, max] reaches `level`: 6 at 95 %, 5 at 90 %. */
export function minPairsFor(level = DEFAULT_CONFIDENCE): number {
  let n = MIN_FIRM_PAIRS;
  while (1 - 2 * 0.5 ** n < level) n++;
  return n;
}

export interface PairedEstimate extends Interval {
  /** Pairs the estimate rests on. */
  n: number;
  /** The interval reaches the level asked and rests on MIN_FIRM_PAIRS or more pairs. */
  firm: boolean;
}

export type PairedStatistic = 'difference' | 'ratio';

/**
 * The trials of one mesh at one level that a metric reads, by repetition: valid ones, and for
 * throughput and errors every trial that measured a window (DESIGN.md "Which trials feed what").
 */
export function byRepetition(result: RunResult, mesh: string, levelId: string, metric: TrialMetric | null = null): Map<number, MeasuredTrial> {
  const every = metric !== null && readsEveryMeasuredTrial(metric);
  const trials = result.trials.filter((t): t is MeasuredTrial => isMeasured(t) && (every || t.status === 'valid') && t.trial.mesh === mesh && t.trial.level.id === levelId);
  return new Map(trials.map((t) => [t.trial.repetition, t]));
}

/**
 * `mesh` against `reference` at one level, on one metric: median of (mesh − reference) per pair,
 * or of (mesh / reference − 1) for `ratio`; null when no pair has the metric on both sides.
 */
export function pairedEstimate(result: RunResult, mesh: string, reference: string, levelId: string, metric: TrialMetric, statistic: PairedStatistic = 'difference', confidence = DEFAULT_CONFIDENCE): PairedEstimate | null {
  const ref = byRepetition(result, reference, levelId, metric);
  const values: number[] = [];
  for (const [rep, t] of byRepetition(result, mesh, levelId, metric)) {
    const base = ref.get(rep);
    const a = trialMetric(t, metric);
    const b = base ? trialMetric(base, metric) : null;
    if (a === null || b === null) continue;
    if (statistic === 'ratio') {
      if (b > 0) values.push(a / b - 1);
    } else values.push(a - b);
  }
  if (values.length === 0) return null;
  const interval = medianInterval(values, confidence);
  return { ...interval, n: values.length, firm: values.length >= MIN_FIRM_PAIRS && interval.level >= confidence };
}
