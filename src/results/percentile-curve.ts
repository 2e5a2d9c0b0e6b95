/**
 * A latency distribution as the points of HdrHistogram's percentile plot: evenly spaced on the
 * log 1/(1−p) axis from 0 % to the deepest percentile its sample count supports (at most
 * 99.999 %). report.html and the overlay page draw these; neither computes them.
 */
import type { Histogram } from './histogram.ts';

/** Decades of 1/(1−p) a curve reaches: past 1 − 1/n a percentile says nothing about n samples. */
export function curveDepth(sampleCounts: readonly number[]): number {
  const fewest = Math.min(...sampleCounts);
  return Math.min(5, Math.max(1, Math.floor(Math.log10(Math.max(1, fewest)) * 20) / 20));
}

/** The percentile at a depth: depth 2 is 99 %, 3 is 99.9 %. */
export const percentileAtDepth = (depth: number): number => 100 * (1 - 10 ** -depth);

/** [percentile, latency µs] every 0.05 decades from 0 % to `depth`. */
export function percentileCurve(h: Histogram, depth: number): [number, number][] {
  const points: [number, number][] = [];
  for (let x = 0; x <= depth + 1e-9; x += 0.05) {
    const p = percentileAtDepth(x);
    points.push([p, h.getValueAtPercentile(p)]);
  }
  return points;
}
