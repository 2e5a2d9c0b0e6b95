/**
 * The univariate examples of MongoDB's E-Divisive (mongodb/signal-processing-algorithms,
 * tests/test_detection.py and tests/test_e_divisive.py), with their significance level 0.01.
 * Theirs divides the within-sample sums by n² and counts p as better/(R + 1); ours follows the
 * paper (n choose 2) and counts the observed order among the permutations, (better + 1)/(R + 1),
 * which keeps the false-alarm rate exact. The one example where that shows is noted below.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { eDivisive } from '../../../src/results/history/edivisive.ts';

const fill = (n: number, v: number) => Array.from({ length: n }, () => v);
const setAt = (xs: number[], at: readonly number[], v: number) => {
  for (const i of at) xs[i] = v;
  return xs;
};
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
const found = (xs: readonly number[], significance = 0.01, permutations = 199) => eDivisive(xs, { significance, permutations }).map((c) => c.index);

test('absolute certainty: 1000 zeros then 1000 ones', () => {
  assert.equal(found([...fill(1000, 0), ...fill(1000, 1)]), [1000]);
});

test('simple regression, ahead, behind, an early outlier, two regressions, none', () => {
  assert.equal(found(setAt(fill(30, 50), range(15, 30), 100)), [15]);
  assert.equal(found([...fill(14, 50), 74, ...fill(15, 100)]), [15], 'ahead: 74 sits with the 50s');
  assert.equal(found([...fill(14, 50), 76, ...fill(15, 100)]), [14], 'behind: 76 sits with the 100s');
  assert.equal(found(setAt(setAt(fill(30, 50), [2], 100), range(15, 30), 100)), [15], 'one early outlier is no change');
  assert.equal(found(setAt(setAt(setAt(fill(45, 50), [2], 100), range(15, 30), 100), range(30, 45), 150)), [15, 30]);
  assert.equal(found(fill(30, 50)), []);
});

test('random-ish data from three disjoint ranges: changes at 20 and 40', () => {
  const series = [
    41, 18, 23, 3, 32, 11, 40, 13, 29, 48, 47, 35, 18, 21, 6, 2, 23, 3, 4, 7,
    120, 103, 102, 81, 71, 62, 115, 61, 108, 63, 70, 98, 65, 96, 64, 74, 70, 113, 90, 114,
    208, 196, 153, 150, 225, 179, 206, 165, 177, 151, 218, 217, 244, 245, 229, 195, 225, 229, 176, 250,
  ];
  assert.equal(found(series), [20, 40]);
});

test('regression and recovery: theirs [15, 33] at 0.01; ours needs 0.05 and also splits where the 100s end', () => {
  const series = setAt(setAt(setAt(fill(45, 50), [2], 100), range(15, 30), 100), [32], 100);
  // The first split (33, after the lone 100 at 32) has p ≈ 0.02 here: not significant at 0.01.
  assert.equal(found(series, 0.01, 999), []);
  assert.equal(found(series, 0.05, 999), [15, 30, 33]);
});

test.run();
