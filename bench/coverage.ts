/**
 * `npm run bench:coverage`: the coverage table of the gates' intervals (bench/README.md). For
 * n = 3..10 and two noise shapes, 20,000 simulated runs each with a known effect: the level each
 * interval states, the share of runs it held the effect, and, for reference, what the percentile
 * bootstrap used before round 3 covered while calling itself 95 %.
 */
import { noise, simulateCoverage, type NoiseShape } from './lib/coverage-sim.ts';
import { median } from '../src/results/compare/intervals.ts';
import { seededRandom } from '../src/random.ts';

const RUNS = Number(process.env.RUNS ?? 20_000);

/** The old estimator: percentile bootstrap (2,000 resamples) of the median of paired differences. */
function bootstrapCoverage(shape: NoiseShape, n: number, seed: number): number {
  const next = seededRandom(seed);
  const draw = noise(shape, next);
  let held = 0;
  const runs = Math.min(RUNS, 4_000);
  for (let r = 0; r < runs; r++) {
    const d = Array.from({ length: n }, () => 50 + 20 * (draw() - draw()));
    const stats = Array.from({ length: 2_000 }, () => median(Array.from(d, () => d[Math.floor(next() * n)]!))).sort((a, b) => a - b);
    if (stats[Math.floor(0.025 * stats.length)]! <= 50 && 50 <= stats[Math.floor(0.975 * stats.length)]!) held++;
  }
  return held / runs;
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
console.log(`Coverage of the gates' intervals: ${RUNS} simulated runs per cell, effect 50 µs, noise scale 20 µs (seeded)\n`);
console.log('| n | shape | paired: stated | paired: covered | old bootstrap "95 %": covered | two-sample n×n: stated | two-sample: covered |');
console.log('|---:|---|---:|---:|---:|---:|---:|');
for (const shape of ['normal', 'heavy-tailed'] as NoiseShape[]) {
  for (let n = 3; n <= 10; n++) {
    const paired = simulateCoverage({ method: 'paired', shape, n, runs: RUNS, seed: 17 * n });
    const two = simulateCoverage({ method: 'two-sample', shape, n, runs: RUNS, seed: 31 * n });
    console.log(`| ${n} | ${shape} | ${pct(paired.statedLevel)} | ${pct(paired.measured)} | ${pct(bootstrapCoverage(shape, n, 43 * n))} | ${pct(two.statedLevel)} | ${pct(two.measured)} |`);
  }
}
