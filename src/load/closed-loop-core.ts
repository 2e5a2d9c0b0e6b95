/**
 * The closed-loop state machine, free of clocks and sockets like the open-loop core: every
 * connection sends its next request as soon as the last one ends, until the measured window
 * ends. Latency is from the actual send (a closed loop has no intended time), in µs, with the
 * open loop's outcome classes: 2xx, non-2xx, errors by class. Requests sent inside the measured
 * window are recorded, whenever they end; warmup is run and discarded.
 */
import { createLatencyHistogram, HIGHEST_US, recordLatencyUs, type Histogram } from '../results/histogram.ts';
import type { ErrorClass } from '../results/model.ts';
import type { CoreWindow, SendFn } from './open-loop-core.ts';
import { emptyErrorCounts, type LiveCounts } from './types.ts';

export class ClosedLoopCore {
  readonly histograms: { ok: Histogram; non2xx: Histogram; error: Histogram } = {
    ok: createLatencyHistogram(),
    non2xx: createLatencyHistogram(),
    error: createLatencyHistogram(),
  };
  readonly errorsByClass: Record<ErrorClass, number> = emptyErrorCounts();
  /** Requests sent inside the measured window: what every outcome count adds up to. */
  sentInWindow = 0;

  private readonly window: CoreWindow;
  private readonly send: SendFn;
  private readonly sentOf: Float64Array;
  private readonly busy: Uint8Array;
  private busyCount = 0;
  private running = true;

  constructor(connections: number, window: CoreWindow, send: SendFn) {
    this.window = window;
    this.send = send;
    this.sentOf = new Float64Array(connections);
    this.busy = new Uint8Array(connections);
  }

  get outstanding(): number {
    return this.busyCount;
  }

  /** The window's outcomes so far, from the counts the histograms keep anyway. */
  soFar(): LiveCounts {
    const h = this.histograms;
    return { responses2xx: h.ok.totalCount, failed: h.non2xx.totalCount + h.error.totalCount };
  }

  /** Every connection sends its first request. */
  start(nowMs: number): void {
    for (let c = 0; c < this.busy.length; c++) this.dispatch(c, nowMs);
  }

  /** A response (HTTP status) or a failure (error class) arrived on `connection` at `nowMs`. */
  complete(connection: number, outcome: number | ErrorClass, nowMs: number): void {
    // Reports after stop() settled the request (sockets being destroyed) do not count again.
    if (!this.busy[connection]) return;
    this.busy[connection] = 0;
    this.busyCount--;
    const sent = this.sentOf[connection]!;
    if (sent >= this.window.measureStartMs && sent < this.window.measureEndMs) {
      const latencyUs = (nowMs - sent) * 1_000;
      if (typeof outcome === 'number') recordLatencyUs(outcome >= 200 && outcome < 300 ? this.histograms.ok : this.histograms.non2xx, latencyUs);
      else {
        recordLatencyUs(this.histograms.error, latencyUs);
        this.errorsByClass[outcome]++;
      }
    }
    if (this.running && nowMs < this.window.measureEndMs) this.dispatch(connection, nowMs);
  }

  /** Ends the run; measured requests still in flight count as timeouts, recorded at `timeoutMs`. */
  stop(timeoutMs: number): void {
    this.running = false;
    let unfinished = 0;
    for (let c = 0; c < this.busy.length; c++) {
      if (!this.busy[c]) continue;
      const sent = this.sentOf[c]!;
      if (sent >= this.window.measureStartMs && sent < this.window.measureEndMs) unfinished++;
      this.busy[c] = 0;
    }
    this.busyCount = 0;
    this.errorsByClass.timeout += unfinished;
    if (unfinished > 0) this.histograms.error.recordValueWithCount(Math.min(HIGHEST_US, Math.max(1, Math.round(timeoutMs * 1_000))), unfinished);
  }

  private dispatch(connection: number, nowMs: number): void {
    if (nowMs >= this.window.measureStartMs && nowMs < this.window.measureEndMs) this.sentInWindow++;
    this.busy[connection] = 1;
    this.busyCount++;
    this.sentOf[connection] = nowMs;
    this.send(connection);
  }
}
