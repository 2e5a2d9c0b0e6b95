/**
 * Estimates paired by repetition (DESIGN.md "What a result means"): repetition r of a mesh is
 * paired with repetition r of the reference at the same level; a repetition missing or invalid on
 * either side is left out, and the estimate says how many pairs it rests on. Fewer than
 * MIN_FIRM_PAIRS pairs never make a firm verdict.
 */
import { pairedMedianInterval, type Interval } from './compare/bootstrap.ts';
import { trialMetric, type TrialMetric } from './metrics.ts';
import { validTrials, type MeasuredTrial, type RunResult } from './model.ts';

/** Repetitions a firm verdict needs on each side: at n = 1, 2 the bootstrap interval is too narrow to trust. */
export const MIN_FIRM_PAIRS = 3;

export interface PairedEstimate extends Interval {
  /** Pairs the estimate rests on. */
  n: number;
  /** n ≥ MIN_FIRM_PAIRS: the interval may support a firm verdict. */
  firm: boolean;
}

export type PairedStatistic = 'difference' | 'ratio';

/** Valid trials of one mesh at one level, by repetition. */
export function byRepetition(result: RunResult, mesh: string, levelId: string): Map<number, MeasuredTrial> {
  return new Map(validTrials(result, mesh, levelId).map((t) => [t.trial.repetition, t]));
}

/**
 * `mesh` against `reference` at one level, on one metric: median of (mesh − reference) per pair,
 * or of (mesh / reference − 1) for `ratio`; null when no pair has the metric on both sides.
 */
export function pairedEstimate(result: RunResult, mesh: string, reference: string, levelId: string, metric: TrialMetric, statistic: PairedStatistic = 'difference'): PairedEstimate | null {
  const ref = byRepetition(result, reference, levelId);
  const values: number[] = [];
  for (const [rep, t] of byRepetition(result, mesh, levelId)) {
    const base = ref.get(rep);
    const a = trialMetric(t, metric);
    const b = base ? trialMetric(base, metric) : null;
    if (a === null || b === null) continue;
    if (statistic === 'ratio') {
      if (b > 0) values.push(a / b - 1);
    } else values.push(a - b);
  }
  if (values.length === 0) return null;
  return { ...pairedMedianInterval(values), n: values.length, firm: values.length >= MIN_FIRM_PAIRS };
}
