/**
 * Simulated coverage of the gates' intervals: many runs with a known effect, and how often the
 * interval held it. Shared by the test (seeded, fast) and `npm run bench:coverage` (the table).
 */
import { medianInterval, shiftInterval } from '../../src/results/compare/intervals.ts';
import { seededRandom } from '../../src/random.ts';

export type NoiseShape = 'normal' | 'heavy-tailed';

/** A standard normal (Box-Muller), or Student's t with 2 degrees of freedom (infinite variance). */
export function noise(shape: NoiseShape, next: () => number): () => number {
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  if (shape === 'normal') return normal;
  return () => normal() / Math.sqrt((normal() ** 2 + normal() ** 2) / 2);
}

export interface CoverageRow {
  method: 'paired' | 'two-sample';
  shape: NoiseShape;
  n: number;
  /** The level the interval states (the same for every run at this n). */
  statedLevel: number;
  /** How often it held the true effect. */
  measured: number;
}

/**
 * `runs` simulated comparisons at each n: paired differences (both sides noisy, as repetitions of
 * two meshes) or two independent samples of n each (a baseline and a candidate), effect 50 µs on
 * a noise of scale 20 µs.
 */
export function simulateCoverage(o: { method: CoverageRow['method']; shape: NoiseShape; n: number; runs: number; seed: number; confidence?: number }): CoverageRow {
  const next = seededRandom(o.seed);
  const draw = noise(o.shape, next);
  const effect = 50;
  const scale = 20;
  let held = 0;
  let statedLevel = 0;
  for (let r = 0; r < o.runs; r++) {
    const interval =
      o.method === 'paired'
        ? medianInterval(Array.from({ length: o.n }, () => effect + scale * (draw() - draw())), o.confidence)
        : shiftInterval(Array.from({ length: o.n }, () => 1000 + scale * draw()), Array.from({ length: o.n }, () => 1000 + effect + scale * draw()), o.confidence);
    statedLevel = interval.level;
    if (interval.low <= effect && effect <= interval.high) held++;
  }
  return { method: o.method, shape: o.shape, n: o.n, statedLevel, measured: held / o.runs };
}
