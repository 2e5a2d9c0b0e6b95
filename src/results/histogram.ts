/**
 * Latency histograms: integer microseconds, 1 µs to 60 s, 3 significant digits (DESIGN.md).
 * Stored as HdrHistogram's compressed base64, which the standard HdrHistogram tools read.
 */
import * as hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;
type JsHistogram = hdr.JsHistogram;

export const LOWEST_US = 1;
export const HIGHEST_US = 60_000_000;
export const SIGNIFICANT_DIGITS = 3;

export function createLatencyHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: LOWEST_US,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    bitBucketSize: 32,
    autoResize: false,
    useWebAssembly: false,
  });
}

/**
 * Records one latency; values outside the trackable range are clamped, not dropped. A value above
 * the 60 s ceiling lands at the ceiling, where {@link clampedCount} finds it.
 */
export function recordLatencyUs(h: Histogram, latencyUs: number): void {
  h.recordValue(Math.min(HIGHEST_US, Math.max(LOWEST_US, Math.round(latencyUs))));
}

/** Values recorded at the 60 s ceiling: latencies that were clamped (no real request takes exactly 60 s). */
export function clampedCount(histograms: readonly Histogram[]): number {
  return histograms.reduce((sum, h) => {
    // Built without WebAssembly (createLatencyHistogram), so a JsHistogram, whose per-bucket
    // counts the Histogram interface does not expose.
    const js = h as unknown as JsHistogram;
    return sum + (h.maxValue >= js.lowestEquivalentValue(HIGHEST_US) ? js.getCountAtIndex(js.countsArrayIndex(HIGHEST_US)) : 0);
  }, 0);
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(encoded: string): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, 32, false);
}

export interface LatencySummary {
  count: number;
  p50Us: number;
  /**
   * Null only in an imported result whose format printed no such percentile (a k6 summary holds
   * the ones its run asked for); a histogram always gives them.
   */
  p90Us: number | null;
  p99Us: number | null;
  p999Us: number | null;
  maxUs: number;
  meanUs: number;
}

export function summarize(h: Histogram): LatencySummary {
  const count = h.totalCount;
  if (count === 0) return { count: 0, p50Us: 0, p90Us: 0, p99Us: 0, p999Us: 0, maxUs: 0, meanUs: 0 };
  return {
    count,
    p50Us: h.getValueAtPercentile(50),
    p90Us: h.getValueAtPercentile(90),
    p99Us: h.getValueAtPercentile(99),
    p999Us: h.getValueAtPercentile(99.9),
    // The top of the highest bucket, not the exact max: a decoded histogram only knows buckets,
    // and a report regenerated from result.json must print what the run printed.
    maxUs: h.getValueAtPercentile(100),
    meanUs: Math.round(h.mean),
  };
}

/** Exact merge of several histograms (counts are added, never percentiles averaged). */
export function mergeHistograms(parts: readonly Histogram[]): Histogram {
  const merged = createLatencyHistogram();
  for (const p of parts) merged.add(p);
  return merged;
}
