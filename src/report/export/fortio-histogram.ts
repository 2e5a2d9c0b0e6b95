/**
 * An HDR µs histogram as Fortio's `HistogramData` (seconds): Count, Min, Max, Sum, Avg, StdDev,
 * Data (buckets {Start, End, Percent, Count}) and Percentiles. Buckets are Fortio's own grid
 * (its stats.histogramBucketValues × the resolution, the `-r` flag), left-open and right-closed
 * as Fortio fills them, the first starting at Min and the last ending at Max, so the file looks
 * exactly like `fortio load -r RESOLUTION -json` output. Percentiles come from the HDR histogram
 * itself (finer than Fortio's interpolation inside a bucket).
 */
import type { JsHistogram } from 'hdr-histogram-js';
import type { Histogram } from '../../results/histogram.ts';

/** fortio.org/fortio/stats histogramBucketValues (v1.66.0): bucket upper bounds, in resolution units. */
export const FORTIO_BUCKET_VALUES: readonly number[] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 18, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 100, 120, 140, 160, 180, 200, 250, 300, 350, 400, 450, 500,
  600, 700, 800, 900, 1000, 2000, 3000, 4000, 5000, 7500, 10000, 20000, 30000, 40000, 50000, 75000, 100000,
];

/** Fortio's default `-p`. */
export const FORTIO_PERCENTILES: readonly number[] = [50, 75, 90, 99, 99.9];

export interface FortioBucket {
  Start: number;
  End: number;
  Percent: number;
  Count: number;
}

export interface FortioHistogramData {
  Count: number;
  Min: number;
  Max: number;
  Sum: number;
  Avg: number;
  StdDev: number;
  /** null when empty, as Fortio writes it. */
  Data: FortioBucket[] | null;
  Percentiles?: { Percentile: number; Value: number }[];
}

const S_PER_US = 1e-6;

/** Fortio's bucket index for a value in resolution units: (values[i-1], values[i]], then overflow. */
function bucketIndex(scaled: number): number {
  for (let i = 0; i < FORTIO_BUCKET_VALUES.length; i++) if (scaled <= FORTIO_BUCKET_VALUES[i]!) return i;
  return FORTIO_BUCKET_VALUES.length;
}

export function toFortioHistogram(h: Histogram, resolutionS: number, percentiles: readonly number[] = FORTIO_PERCENTILES): FortioHistogramData {
  const count = h.totalCount;
  if (count === 0) return { Count: 0, Min: 0, Max: 0, Sum: 0, Avg: 0, StdDev: 0, Data: null };
  const counts = new Array<number>(FORTIO_BUCKET_VALUES.length + 1).fill(0);
  const values = (h as JsHistogram).recordedValuesIterator;
  values.reset();
  while (values.hasNext()) {
    const v = values.next();
    // Each HDR bucket goes where Fortio would put the value the HDR bucket reports.
    counts[bucketIndex((v.valueIteratedTo * S_PER_US) / resolutionS)]! += v.countAtValueIteratedTo;
  }
  const minS = h.minNonZeroValue * S_PER_US;
  const maxS = h.maxValue * S_PER_US;
  const data: FortioBucket[] = [];
  let total = 0;
  let previousBound = 0;
  counts.forEach((n, i) => {
    const bound = FORTIO_BUCKET_VALUES[i];
    if (n > 0) {
      total += n;
      data.push({
        Start: data.length === 0 ? minS : previousBound * resolutionS,
        End: bound === undefined ? maxS : bound * resolutionS,
        Percent: (100 * total) / count,
        Count: n,
      });
    }
    if (bound !== undefined) previousBound = bound;
  });
  data[data.length - 1]!.End = maxS;
  return {
    Count: count,
    Min: minS,
    Max: maxS,
    Sum: h.mean * count * S_PER_US,
    Avg: h.mean * S_PER_US,
    StdDev: h.stdDeviation * S_PER_US,
    Data: data,
    Percentiles: percentiles.map((p) => ({ Percentile: p, Value: h.getValueAtPercentile(p) * S_PER_US })),
  };
}
