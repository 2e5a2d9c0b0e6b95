/**
 * From an interval to a verdict, and what the run could have told apart. A verdict is firm only
 * when its interval reaches the level asked (DESIGN.md): a regression when the whole interval lies
 * beyond the threshold, a pass when it lies wholly inside, else inconclusive.
 */
import type { Interval } from './intervals.ts';
import type { Outcome, Resolution, Verdict } from './types.ts';

export interface Threshold {
  op: '<' | '>';
  threshold: number;
  /** A bound on a change (or a difference between meshes), not on a value: its size is what a run resolves. */
  isChange: boolean;
}

const pct = (level: number) => `${(level * 100).toFixed(level >= 0.995 || level < 0.5 ? 1 : 0).replace(/\.0$/, '')} %`;

/** `n` is what the interval rests on (pairs or repetitions); `minN` the fewest that can reach the level. */
export function judge(t: Threshold, interval: Interval, confidence: number, n: number, nWords: string, minN: number): { verdict: Verdict; note: string | null } {
  if (n < 3 || interval.level < confidence) {
    return {
      verdict: 'inconclusive',
      note: `inconclusive: ${nWords} give a ${pct(interval.level)} interval, short of the ${pct(confidence)} asked; a firm verdict needs ${Math.max(3, minN)} or more`,
    };
  }
  const { low, high } = interval;
  const regressed = t.op === '<' ? low >= t.threshold : high <= t.threshold;
  const passed = t.op === '<' ? high < t.threshold : low > t.threshold;
  if (regressed) return { verdict: 'regression', note: null };
  if (passed) return { verdict: 'pass', note: null };
  return { verdict: 'inconclusive', note: 'inconclusive: the interval reaches both sides of the threshold; more repetitions narrow it' };
}

/**
 * The smallest change this run could have called firm: the interval's larger half-width (a change
 * smaller than that from no change, or from the threshold, leaves the interval on both sides).
 */
export function resolution(t: Threshold, interval: Interval, confidence: number, n: number, minN: number): Resolution {
  if (n < 3 || interval.level < confidence) return { smallestFirmChange: null, coarserThanThreshold: t.isChange, suggestedRepetitions: Math.max(3, minN) };
  const half = Math.max(interval.estimate - interval.low, interval.high - interval.estimate);
  const coarser = t.isChange && t.threshold !== 0 && half >= Math.abs(t.threshold);
  // Half-widths of order-statistic intervals shrink about as 1/√n: a rough count, said as such.
  const suggested = coarser ? Math.max(minN, Math.ceil(n * (half / Math.abs(t.threshold)) ** 2) + 1) : null;
  return { smallestFirmChange: half, coarserThanThreshold: coarser, suggestedRepetitions: suggested };
}

const SEVERITY: Record<Verdict, number> = { regression: 3, 'no-data': 2, inconclusive: 1, pass: 0 };

/** The worst of the verdicts; pass when there are none. */
export function outcomeOf(verdicts: readonly Verdict[]): Outcome {
  return verdicts.reduce<Outcome>((worst, v) => (SEVERITY[v] > SEVERITY[worst] ? v : worst), 'pass');
}

/** Whether an outcome fails the gate (exit 1): `--inconclusive` decides only for inconclusive. */
export function outcomeFails(outcome: Outcome, inconclusive: 'pass' | 'fail'): boolean {
  return outcome === 'regression' || outcome === 'no-data' || (outcome === 'inconclusive' && inconclusive === 'fail');
}
