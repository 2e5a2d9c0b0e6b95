import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { seededRandom } from '../../src/random.ts';
import { createLatencyHistogram, decodeHistogram, encodeHistogram, HIGHEST_US, mergeHistograms, recordLatencyUs, summarize } from '../../src/results/histogram.ts';

/** Log-normal-ish latencies from 20 µs to ~50 ms, with a tail. */
function latencies(seed: number, n: number): number[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => Math.round(20 + Math.exp(r() * 10) + (r() < 0.01 ? r() * 50_000 : 0)));
}

/** The sample at rank round(p × n), as HdrHistogram counts ranks. */
function exactPercentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.round((p / 100) * sorted.length) - 1)]!;
}

for (const seed of [1, 2, 3, 42, 1234]) {
  test(`percentiles stay within 3 significant digits of the exact values (seed ${seed})`, () => {
    const values = latencies(seed, 20_000);
    const h = createLatencyHistogram();
    for (const v of values) recordLatencyUs(h, v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of [50, 90, 99, 99.9]) {
      const exact = exactPercentile(sorted, p);
      const got = h.getValueAtPercentile(p);
      assert.ok(Math.abs(got - exact) <= exact * 0.001 + 1, `p${p}: ${got} vs exact ${exact}`);
    }
  });

  test(`merging per-worker histograms equals one histogram of all samples (seed ${seed})`, () => {
    const values = latencies(seed, 9_000);
    const whole = createLatencyHistogram();
    const parts = [createLatencyHistogram(), createLatencyHistogram(), createLatencyHistogram()];
    values.forEach((v, i) => {
      recordLatencyUs(whole, v);
      recordLatencyUs(parts[i % 3]!, v);
    });
    const merged = mergeHistograms(parts.map((p) => decodeHistogram(encodeHistogram(p))));
    assert.equal(summarize(merged), summarize(whole));
    assert.is(encodeHistogram(merged), encodeHistogram(whole));
  });
}

test('encode/decode round-trips counts and percentiles', () => {
  const h = createLatencyHistogram();
  for (const v of latencies(7, 5_000)) recordLatencyUs(h, v);
  const back = decodeHistogram(encodeHistogram(h));
  assert.equal(summarize(back), summarize(h));
});

test('values are integer µs, clamped into the trackable range', () => {
  const h = createLatencyHistogram();
  recordLatencyUs(h, 0.2);
  recordLatencyUs(h, 10.6);
  recordLatencyUs(h, 120_000_000);
  assert.is(h.totalCount, 3);
  assert.is(h.minNonZeroValue, 1);
  assert.ok(h.maxValue >= HIGHEST_US * 0.999 && h.maxValue <= HIGHEST_US * 1.001);
  assert.is(h.getValueAtPercentile(50), 11);
});

test('an empty histogram summarises to zeros', () => {
  assert.equal(summarize(createLatencyHistogram()), { count: 0, p50Us: 0, p90Us: 0, p99Us: 0, p999Us: 0, maxUs: 0, meanUs: 0 });
});

test.run();
