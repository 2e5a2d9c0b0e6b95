/** Building meshbench latency histograms (µs, 1 µs to 60 s) from the value/count pairs a file holds. */
import { createLatencyHistogram, HIGHEST_US, LOWEST_US, type Histogram } from '../histogram.ts';

export class HistogramBuilder {
  readonly histogram: Histogram = createLatencyHistogram();
  /** Values outside 1 µs to 60 s, recorded at the nearest end instead of being dropped. */
  clampedCount = 0;

  /** Records `count` values of `valueUs` (rounded to a whole µs). */
  add(valueUs: number, count: number): void {
    if (count <= 0) return;
    const rounded = Math.round(valueUs);
    const clamped = Math.min(HIGHEST_US, Math.max(LOWEST_US, rounded));
    if (clamped !== rounded) this.clampedCount += count;
    this.histogram.recordValueWithCount(clamped, count);
  }

  /**
   * Records `count` values spread evenly over (startUs, endUs]: the k-th of n at
   * start + k/n × (end − start). That is the linear interpolation Fortio's own percentiles use
   * inside a bucket, so the rebuilt histogram prints the percentiles Fortio printed. Large counts
   * are spread over at most `maxPoints` points, well below one HDR bucket apart at 3 digits.
   */
  spread(startUs: number, endUs: number, count: number, maxPoints = 2000): void {
    const points = Math.min(count, maxPoints);
    // Whole µs inside (start, end]: rounding must not carry a value over the bucket's lower edge.
    const lowestUs = Math.floor(startUs) + 1;
    const highestUs = Math.max(lowestUs, Math.round(endUs));
    for (let j = 1; j <= points; j++) {
      const share = Math.floor((count * j) / points) - Math.floor((count * (j - 1)) / points);
      this.add(Math.min(highestUs, Math.max(lowestUs, Math.round(startUs + (j / points) * (endUs - startUs)))), share);
    }
  }

  notes(what: string): string[] {
    return this.clampedCount === 0 ? [] : [`${this.clampedCount} ${what} outside 1 µs to 60 s were recorded at the nearest end of that range`];
  }
}
