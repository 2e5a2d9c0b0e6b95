/**
 * The level an interval states is the coverage it has (issue: a "95 %" bootstrap interval of 3
 * pairs covered 75 %). Simulated with a known effect, n = 3..10, normal and heavy-tailed noise:
 * the stated level is within 2 points of the measured coverage, or below it (conservative).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { simulateCoverage, type NoiseShape } from '../../../bench/lib/coverage-sim.ts';
import { medianInterval, minCandidatesFor, minValuesFor, shiftInterval } from '../../../src/results/compare/intervals.ts';

const RUNS = 2_000;

for (const method of ['paired', 'two-sample'] as const) {
  for (const shape of ['normal', 'heavy-tailed'] as NoiseShape[]) {
    test(`${method}, ${shape} noise: stated level = measured coverage (±2 points, or conservative), n = 3..10`, () => {
      const misses: string[] = [];
      for (let n = 3; n <= 10; n++) {
        const row = simulateCoverage({ method, shape, n, runs: RUNS, seed: 1_000 * n + (shape === 'normal' ? 1 : 2) + (method === 'paired' ? 0 : 500) });
        if (row.measured < row.statedLevel - 0.02) misses.push(`n=${n}: states ${(row.statedLevel * 100).toFixed(1)} %, covered ${(row.measured * 100).toFixed(1)} %`);
      }
      assert.equal(misses, []);
    });
  }
}

test('the stated levels are the exact ones: 75 % at 3 pairs, 93.75 % at 5, 96.9 % at 6; two samples 3×3 90 %, 4×4 97.1 %', () => {
  const level = (n: number) => medianInterval(Array.from({ length: n }, (_, i) => i)).level;
  assert.equal([3, 4, 5, 6].map(level), [0.75, 0.875, 0.9375, 0.96875]);
  assert.is(shiftInterval([1, 2, 3], [4, 5, 6]).level, 0.9);
  assert.is(shiftInterval([1, 2, 3, 4], [5, 6, 7, 8]).level, 68 / 70);
  assert.equal([minValuesFor(0.95), minValuesFor(0.9), minCandidatesFor(5, 0.95), minCandidatesFor(3, 0.95)], [6, 5, 3, 5]);
});

test('past the exact limit the normal approximation keeps its level near the one asked', () => {
  const row = simulateCoverage({ method: 'two-sample', shape: 'normal', n: 70, runs: 300, seed: 7 });
  assert.ok(row.statedLevel >= 0.95 && row.statedLevel < 0.97, `stated ${row.statedLevel}`);
  assert.ok(row.measured >= 0.92, `covered ${row.measured}`);
});

test.run();
