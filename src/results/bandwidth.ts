/**
 * Mode `bandwidth`'s figures, from the bytes each end counted (model.ts BandwidthCounts): what
 * metrics.ts names `throughput_bps` and the proxies' cores per Gbit/s. Worked out here once, so
 * every report shows the same number.
 */
import type { BandwidthCounts } from './model.ts';

export const BITS_PER_GBIT = 1e9;

/**
 * Goodput at the receiver, as iperf3's "receiver" line: bytes the sink read in the window over the
 * sink's own interval. Null when the sink could not be read (the trial is then invalid) or the
 * interval is empty.
 */
export function throughputBitsPerSecond(b: BandwidthCounts): number | null {
  if (b.receivedBytes === null || b.receivedWindowUs === null || b.receivedWindowUs <= 0) return null;
  return (b.receivedBytes * 8) / (b.receivedWindowUs / 1e6);
}

/** What the loader handed to the kernel, over its own window (iperf3's "sender" line). */
export function sentBitsPerSecond(b: BandwidthCounts): number | null {
  return b.sentWindowUs > 0 ? (b.sentBytes * 8) / (b.sentWindowUs / 1e6) : null;
}

/** Cores per Gbit/s: a proxy's CPU over the window divided by the bandwidth it carried. */
export function coresPerGbps(cpuCores: number, bitsPerSecond: number | null): number | null {
  return bitsPerSecond !== null && bitsPerSecond > 0 ? cpuCores / (bitsPerSecond / BITS_PER_GBIT) : null;
}

/**
 * Why a bandwidth trial's figure cannot be trusted, in the words of validity.ts: nothing arrived,
 * the sink could not be read, or a connection failed while it was writing (the rest would carry
 * its share, and the figure would be of fewer streams than asked).
 */
export function bandwidthInvalidReasons(b: BandwidthCounts, errors: number): string[] {
  const reasons: string[] = [];
  if (b.receivedBytes === null) reasons.push('the TCP sink could not be read at the edges of the measured window: no receiver figure');
  else if (b.receivedBytes === 0) reasons.push('no byte reached the TCP sink in the measured window');
  if (errors > 0) reasons.push(`${errors} of ${b.connections} connections failed while writing`);
  return reasons;
}
