/**
 * Fortio's histogram buckets as a file holds them, and the 2xx-only latency Fortio leaves implicit:
 * its DurationHistogram holds every call and its ErrorsDurationHistogram the calls that were not
 * OK (not 2xx, nor 418), both on the same bucket grid, so "every call minus the errors", bucket by
 * bucket, is the OK calls, as Fortio's own source suggests (periodic.RunnerResults).
 */
import { HistogramBuilder } from './counts.ts';
import type { Fields } from './fields.ts';

const US_PER_S = 1_000_000;

/** fortio.org/fortio/stats histogramBucketValues (v1.66.0), in resolution units. */
const BOUNDS = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 18, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 100, 120, 140, 160, 180, 200, 250, 300, 350, 400, 450, 500,
  600, 700, 800, 900, 1000, 2000, 3000, 4000, 5000, 7500, 10000, 20000, 30000, 40000, 50000, 75000, 100000,
];

export interface FortioBuckets {
  count: number;
  /** Seconds, as in the file: the first starts at Min, the last ends at Max. */
  buckets: { start: number; end: number; count: number }[];
}

/** Reads and checks one HistogramData: buckets in order, each within itself, adding up to Count. */
export function readFortioBuckets(hist: Fields): FortioBuckets {
  const count = hist.number('Count', { min: 0, integer: true });
  const buckets: FortioBuckets['buckets'] = [];
  let total = 0;
  let previousEnd = -Infinity;
  // Fortio writes "Data": null for a histogram without calls.
  for (const bucket of count === 0 && hist.value['Data'] === null ? [] : hist.array('Data')) {
    const start = bucket.number('Start', { min: 0 });
    const end = bucket.number('End', { min: 0 });
    const n = bucket.number('Count', { min: 0, integer: true });
    if (end < start) throw bucket.fail('End', `bucket ends (${end} s) before it starts (${start} s)`);
    if (start < previousEnd) throw bucket.fail('Start', `buckets must be in increasing order; this one starts at ${start} s, before the previous end ${previousEnd} s`);
    previousEnd = end;
    buckets.push({ start, end, count: n });
    total += n;
  }
  if (total !== count) throw hist.fail('Count', `is ${count} but the buckets in Data hold ${total} calls`);
  return { count, buckets };
}

export function spreadFortioBuckets(data: FortioBuckets): HistogramBuilder {
  const builder = new HistogramBuilder();
  for (const b of data.buckets) builder.spread(b.start * US_PER_S, b.end * US_PER_S, b.count);
  return builder;
}

/** Fortio's bucket index of a value (stats.Histogram.record): left-open, right-closed, then overflow. */
function gridIndex(valueS: number, offsetS: number, resolutionS: number): number {
  const scaled = (valueS - offsetS) / resolutionS;
  // Bounds in the file are float products (0.00001 × 12 = 0.00012000000000000002): allow for it.
  const i = BOUNDS.findIndex((b) => scaled <= b * (1 + 1e-9) + 1e-9);
  return i < 0 ? BOUNDS.length : i;
}

function byGridIndex(data: FortioBuckets, offsetS: number, resolutionS: number): Map<number, { start: number; end: number; count: number }> {
  const map = new Map<number, { start: number; end: number; count: number }>();
  // A bucket ends on its grid bound, except the last one, which ends at Max: inside it, so the
  // same index either way.
  for (const b of data.buckets) map.set(gridIndex(b.end, offsetS, resolutionS), b);
  return map;
}

/**
 * The OK calls' latency: per grid bucket, every call minus the errors, spread over that bucket.
 * Null when the two histograms do not fit one grid (an edited file, or one without Resolution).
 */
export function okCallsFromFortio(all: FortioBuckets, errors: FortioBuckets, offsetS: number, resolutionS: number): HistogramBuilder | null {
  if (errors.count === 0) return spreadFortioBuckets(all);
  const allByIndex = byGridIndex(all, offsetS, resolutionS);
  const builder = new HistogramBuilder();
  const errorsByIndex = byGridIndex(errors, offsetS, resolutionS);
  for (const [index, e] of errorsByIndex) {
    const a = allByIndex.get(index);
    if (!a || a.count < e.count) return null;
  }
  for (const [index, a] of allByIndex) {
    const ok = a.count - (errorsByIndex.get(index)?.count ?? 0);
    builder.spread(a.start * US_PER_S, a.end * US_PER_S, ok);
  }
  return builder;
}
