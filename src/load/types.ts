/** Load engines: they drive a target URL and record what they saw; they never know where it runs. */
import type { BandwidthCounts, ErrorClass } from '../results/model.ts';
import type { Histogram } from '../results/histogram.ts';
import type { WorkloadTrust } from '../workload/protocol.ts';

export interface LoadSpec {
  connections: number;
  /** Open loop: requests per second; null in closed loop. */
  targetRps: number | null;
  warmupMs: number;
  durationMs: number;
  timeoutMs: number;
  /** A TLS workload (https:, h2:): the CA and name to trust; absent, the system's CAs (an external https:// target). */
  trust?: WorkloadTrust;
}

/** warmup: discarded; measure: the measured window starts; drain: it ended, stragglers finish. */
export type LoadPhase = 'warmup' | 'measure' | 'drain';

export interface LoadOutcome {
  engine: string;
  /** 2xx latencies, µs. */
  ok: Histogram;
  /** Non-2xx latencies, µs. */
  non2xx: Histogram;
  /** Time to failure of requests that got no response (timeouts, resets), µs. */
  error: Histogram;
  /** Open loop: latency from the actual send, without the correction; null in closed loop. */
  uncorrected: Histogram | null;
  /** Open loop: how late the loader noticed each request was due; null in closed loop. */
  schedulerLag: Histogram | null;
  errorsByClass: Record<ErrorClass, number>;
  /** Length of the measured window as it happened. */
  durationMs: number;
  targetRps: number | null;
  /**
   * Completed 2xx responses per second of the measured window. Open loop: responses to requests
   * intended in the window, whether they came back in it or in the drain after it, so where a
   * stall falls in the window does not change the figure.
   */
  achievedRps: number;
  /** Requests actually sent per second of the measured window (open loop: of those intended in it). */
  sentRps: number;
  /** Open loop: requests intended in the window; closed loop: requests sent in it. Outcomes add up to it. */
  scheduledRequests: number;
  /** The loader could not keep up, so its figures include its own queueing. */
  loaderSaturated: boolean;
  /** Mode `bandwidth` (bandwidth.ts): bytes each end counted; the request figures are 0 and the histograms empty. */
  bandwidth?: BandwidthCounts;
}

/** The counters an engine keeps for the measured window so far (live.ts). */
export interface LiveCounts {
  /** 2xx responses to requests of the measured window. */
  responses2xx: number;
  /** Non-2xx responses and requests that got none (timeouts, resets). */
  failed: number;
}

/** A trial's load while its window runs, told a few times a second (live.ts). */
export interface LiveLoad extends LiveCounts {
  /** Time into the measured window, by the loader's clock. */
  elapsedMs: number;
}

export interface LoadEngine {
  readonly name: string;
  readonly mode: 'max' | 'rate' | 'bandwidth';
  /**
   * Runs warmup then the measured window, telling each phase as it starts, so resource collection
   * can cover the window exactly, and, given `onLive`, its counts a few times a second during the
   * window (live.ts); rejects with the signal's reason when aborted.
   */
  run(spec: LoadSpec, target: URL, signal: AbortSignal, onPhase?: (phase: LoadPhase) => void, onLive?: (live: LiveLoad) => void): Promise<LoadOutcome>;
}

export function emptyErrorCounts(): Record<ErrorClass, number> {
  return { timeout: 0, refused: 0, reset: 0, other: 0 };
}

export function classifyError(error: unknown): ErrorClass {
  const e = error as { code?: string; message?: string } | undefined;
  const code = e?.code ?? '';
  const message = e?.message ?? '';
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || /timed? ?out/i.test(message)) return 'timeout';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || /socket hang up|reset/i.test(message)) return 'reset';
  return 'other';
}
