/**
 * Percentile bootstrap over repetitions: resample each side with replacement, compute the
 * statistic, and take the central interval. Seeded, so the same inputs give the same verdict.
 */
import { seededRandom } from '../../random.ts';

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

export interface BootstrapOptions {
  resamples?: number;
  /** Central coverage of the interval, default 0.95. */
  confidence?: number;
  seed?: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Interval of `statistic(baselineResample, candidateResample)`; both samples must be non-empty. */
export function bootstrapInterval(
  baseline: readonly number[],
  candidate: readonly number[],
  statistic: (b: readonly number[], c: readonly number[]) => number,
  o: BootstrapOptions = {},
): Interval {
  const resamples = o.resamples ?? 4_000;
  const alpha = (1 - (o.confidence ?? 0.95)) / 2;
  const next = seededRandom(o.seed ?? 42);
  const draw = (xs: readonly number[]) => Array.from(xs, () => xs[Math.floor(next() * xs.length)]!);
  const stats = Array.from({ length: resamples }, () => statistic(draw(baseline), draw(candidate))).sort((a, b) => a - b);
  const at = (q: number) => stats[Math.min(stats.length - 1, Math.max(0, Math.floor(q * stats.length)))]!;
  return { estimate: statistic(baseline, candidate), low: at(alpha), high: at(1 - alpha) };
}

/**
 * Median of paired differences (candidate − baseline, pair by pair) with its percentile-bootstrap
 * interval over the pairs: the estimator of every "added" figure. Pairs, not two medians, so that
 * drift shared by both sides of a pair cancels (repetitions are interleaved).
 */
export function pairedMedianInterval(differences: readonly number[], o: BootstrapOptions = {}): Interval {
  return bootstrapInterval([0], differences, (_b, d) => median(d), o);
}
