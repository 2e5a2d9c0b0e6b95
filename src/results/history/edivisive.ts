/**
 * E-Divisive with means (Matteson & James, "A Nonparametric Approach for Multiple Change Point
 * Analysis of Multivariate Data", JASA 2014), as MongoDB's performance CI runs it (Daly et al.,
 * "Change Point Detection in Software Performance Testing", ICPE 2020): bisect the series where the
 * energy statistic Q̂ is largest, and keep that split only when a permutation test finds it
 * significant; repeat on the pieces. Distance exponent α = 1; like MongoDB's implementation, the
 * end of each candidate segment is the segment's end (the paper also searches it). Unlike it, the
 * within-sample means divide by (n choose 2) as the paper does (MongoDB's by n²), and p counts the
 * observed order among the permutations, (reached + 1)/(R + 1), which keeps the level exact;
 * test/results/history/edivisive-published.test.ts runs MongoDB's published examples.
 *
 * False alarms: under no change the observations are exchangeable, so the first permutation test
 * rejects with probability at most `significance`, and no further split is tried once one fails.
 * A series without a change therefore shows one or more change points in at most `significance`
 * of cases (5 % by default), checked over seeded noise series in the tests. A slow drift is not
 * exchangeable and is reported as a change, which is what a trend page wants to show.
 */
import { seededRandom } from '../../random.ts';

export interface EDivisiveOptions {
  /** Largest permutation p-value that keeps a change point; the false-alarm rate per series. Default 0.05. */
  significance?: number;
  /** Permutations per test; default 199, so that p can reach 0.005. */
  permutations?: number;
  /** Fewest points on either side of a change point; default 3, so one odd night is never a change. */
  minSegment?: number;
  seed?: number;
}

export const EDIVISIVE_DEFAULTS = { significance: 0.05, permutations: 199, minSegment: 3, seed: 1 } as const satisfies Required<EDivisiveOptions>;

export interface ChangePointIndex {
  /** Index of the first point after the change. */
  index: number;
  /** Permutation p-value of the split when it was accepted. */
  pValue: number;
  /** The energy statistic Q̂ of the split. */
  q: number;
}

interface Split {
  tau: number;
  q: number;
}

/**
 * Best split of `values` (by Q̂) with at least `minSegment` on each side, or null when too short.
 * O(m log m): sums of |x_i − x_j| over a prefix come from Fenwick trees over the values' ranks.
 */
export function bestSplit(values: readonly number[], minSegment: number, ranks: Int32Array = rankOf(values)): Split | null {
  const m = values.length;
  if (m < 2 * minSegment) return null;
  const left = prefixWithinSums(values, ranks, false);
  const right = prefixWithinSums(values, ranks, true);
  const total = left[m]!;
  let best: Split | null = null;
  for (let tau = minSegment; tau <= m - minSegment; tau++) {
    const n1 = tau;
    const n2 = m - tau;
    const wl = left[tau]!;
    const wr = right[n2]!;
    const between = total - wl - wr;
    const e = (2 * between) / (n1 * n2) - (n1 > 1 ? wl / ((n1 * (n1 - 1)) / 2) : 0) - (n2 > 1 ? wr / ((n2 * (n2 - 1)) / 2) : 0);
    const q = ((n1 * n2) / m) * e;
    if (best === null || q > best.q) best = { tau, q };
  }
  return best;
}

/** out[k] = Σ |x_i − x_j| over pairs among the first k values (or the last k, `fromEnd`). */
function prefixWithinSums(values: readonly number[], ranks: Int32Array, fromEnd: boolean): Float64Array {
  const m = values.length;
  const count = new Float64Array(m + 1);
  const sum = new Float64Array(m + 1);
  const out = new Float64Array(m + 1);
  let seenSum = 0;
  for (let k = 0; k < m; k++) {
    const i = fromEnd ? m - 1 - k : k;
    const v = values[i]!;
    const r = ranks[i]! + 1;
    let below = 0;
    let belowSum = 0;
    for (let j = r - 1; j > 0; j -= j & -j) {
      below += count[j]!;
      belowSum += sum[j]!;
    }
    const above = k - below;
    const aboveSum = seenSum - belowSum;
    out[k + 1] = out[k]! + (v * below - belowSum) + (aboveSum - v * above);
    for (let j = r; j <= m; j += j & -j) {
      count[j]! += 1;
      sum[j]! += v;
    }
    seenSum += v;
  }
  return out;
}

function rankOf(values: readonly number[]): Int32Array {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Int32Array(values.length);
  order.forEach((i, r) => (ranks[i] = r));
  return ranks;
}

/** Change points of `values` (finite numbers, in time order), by index, ascending. */
export function eDivisive(values: readonly number[], options: EDivisiveOptions = {}): ChangePointIndex[] {
  const o = { ...EDIVISIVE_DEFAULTS, ...options };
  if (values.some((v) => !Number.isFinite(v))) throw new Error('eDivisive: every value must be a finite number');
  const next = seededRandom(o.seed);
  const bounds = [0, values.length];
  const found: ChangePointIndex[] = [];
  for (;;) {
    const segments = bounds.slice(1).map((end, i) => values.slice(bounds[i]!, end));
    const splits = segments.map((s) => bestSplit(s, o.minSegment));
    let at = -1;
    for (let i = 0; i < splits.length; i++) if (splits[i] && (at < 0 || splits[i]!.q > splits[at]!.q)) at = i;
    if (at < 0) break;
    const observed = splits[at]!.q;
    const pValue = permutationPValue(segments, observed, o, next);
    if (pValue > o.significance) break;
    const index = bounds[at]! + splits[at]!.tau;
    found.push({ index, pValue, q: observed });
    bounds.splice(at + 1, 0, index);
  }
  return found.sort((a, b) => a.index - b.index);
}

/**
 * The share of permutations (each segment shuffled within itself, as in the paper) whose largest
 * Q̂ reaches the observed one, counting the observed arrangement. Stops early once p cannot end
 * at or below the significance level: most tests of a quiet series end after a few permutations.
 */
function permutationPValue(segments: readonly number[][], observed: number, o: Required<EDivisiveOptions>, next: () => number): number {
  const ranked = segments.map((s) => ({ values: [...s], ranks: rankOf(s) }));
  let reached = 0;
  const stopAt = Math.floor(o.significance * (o.permutations + 1));
  for (let r = 1; r <= o.permutations; r++) {
    let max = -Infinity;
    for (const s of ranked) {
      shuffleTogether(s.values, s.ranks, next);
      const split = bestSplit(s.values, o.minSegment, s.ranks);
      if (split && split.q > max) max = split.q;
    }
    // A relative tolerance: a permutation that recreates the observed order must count as reaching it.
    if (max >= observed * (1 - 1e-12)) reached++;
    if (reached >= stopAt) return (reached + 1) / (r + 1);
  }
  return (reached + 1) / (o.permutations + 1);
}

function shuffleTogether(values: number[], ranks: Int32Array, next: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
    const r = ranks[i]!;
    ranks[i] = ranks[j]!;
    ranks[j] = r;
  }
}
