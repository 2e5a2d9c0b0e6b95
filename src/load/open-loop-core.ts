/**
 * The open-loop state machine, free of clocks and sockets so it can be driven by a fake clock.
 * Requests are due at their intended times; a due request goes to an idle connection or waits in
 * a queue, and its latency counts from its intended time all the same (coordinated omission
 * corrected, as wrk2 does). Three µs histograms per run: corrected (by outcome: 2xx, non-2xx,
 * error), uncorrected (from the actual send), and scheduler lag (when the loader noticed a request
 * was due, minus when it was due: the loader's own error). Only requests intended inside the
 * measured window are recorded; warmup is run and discarded.
 */
import { createLatencyHistogram, recordLatencyUs, type Histogram } from '../results/histogram.ts';
import type { ErrorClass } from '../results/model.ts';
import type { Schedule } from './schedule.ts';
import { emptyErrorCounts, type LiveCounts } from './types.ts';

/** Sends request on connection `connection`; the driver later calls `complete` for it. */
export type SendFn = (connection: number) => void;

export interface CoreWindow {
  /** Intended times in [measureStartMs, measureEndMs) are measured; before is warmup. */
  measureStartMs: number;
  measureEndMs: number;
}

export interface CoreHistograms {
  ok: Histogram;
  non2xx: Histogram;
  error: Histogram;
  uncorrected: Histogram;
  schedulerLag: Histogram;
}

export class OpenLoopCore {
  readonly histograms: CoreHistograms = {
    ok: createLatencyHistogram(),
    non2xx: createLatencyHistogram(),
    error: createLatencyHistogram(),
    uncorrected: createLatencyHistogram(),
    schedulerLag: createLatencyHistogram(),
  };
  readonly errorsByClass: Record<ErrorClass, number> = emptyErrorCounts();
  /** Measured requests that were due but never completed (stopped with the run). */
  unfinished = 0;
  /** Requests intended inside the measured window: what every outcome count adds up to. */
  scheduledInWindow = 0;
  /**
   * Measured requests actually sent before the window ended: the sent rate. A target that cannot
   * keep up leaves requests queued, so this falls short of the schedule. (The achieved rate is
   * the 2xx histogram's count: responses, by intended time.)
   */
  sentInWindow = 0;

  private readonly schedule: Schedule;
  private readonly window: CoreWindow;
  private readonly send: SendFn;
  private next = 0;
  private nextDueMs: number;
  /** The next intended time, kept while a released request is the next again. */
  private stashedDueMs: number | null = null;
  private scheduling = true;
  // Per connection: busy flag and the intended/actual send times of its request in flight.
  private readonly busy: Uint8Array;
  private readonly intendedOf: Float64Array;
  private readonly sentOf: Float64Array;
  private readonly idle: number[] = [];
  // Due requests waiting for a connection: their intended times, oldest first (a growable ring).
  private queue = new Float64Array(1024);
  private queueHead = 0;
  private queueLength = 0;

  constructor(schedule: Schedule, connections: number, window: CoreWindow, send: SendFn) {
    this.schedule = schedule;
    this.window = window;
    this.send = send;
    this.busy = new Uint8Array(connections);
    this.intendedOf = new Float64Array(connections);
    this.sentOf = new Float64Array(connections);
    for (let c = connections - 1; c >= 0; c--) this.idle.push(c);
    this.nextDueMs = schedule.intendedMs(0);
  }

  /** Intended time of the next request not yet due; Infinity once scheduling has stopped. */
  get nextDue(): number {
    return this.scheduling ? this.nextDueMs : Infinity;
  }

  /** The window's outcomes so far, from the counts the histograms keep anyway. */
  soFar(): LiveCounts {
    const h = this.histograms;
    return { responses2xx: h.ok.totalCount, failed: h.non2xx.totalCount + h.error.totalCount };
  }

  /** Requests sent and not completed, plus requests due and waiting for a connection. */
  get outstanding(): number {
    return this.busy.length - this.idle.length + this.queueLength;
  }

  /** Issues every request due at `nowMs`; stops scheduling at the end of the measured window. */
  due(nowMs: number): void {
    while (this.scheduling && this.nextDueMs <= nowMs) {
      const intended = this.nextDueMs;
      if (intended >= this.window.measureEndMs) {
        this.scheduling = false;
        break;
      }
      if (intended >= this.window.measureStartMs) {
        recordLatencyUs(this.histograms.schedulerLag, (nowMs - intended) * 1_000);
        this.scheduledInWindow++;
      }
      const connection = this.idle.pop();
      if (connection === undefined) this.enqueue(intended);
      else this.dispatch(connection, intended, nowMs);
      this.advance();
    }
  }

  /** To the next intended time: the schedule's (drawn once each: jitter is a random stream), or one put back by `release`. */
  private advance(): void {
    if (this.stashedDueMs === null) this.nextDueMs = this.schedule.intendedMs(++this.next);
    else {
      this.nextDueMs = this.stashedDueMs;
      this.stashedDueMs = null;
    }
  }

  /**
   * Takes the next request, not yet due, for a send at its intended time by someone else (the
   * `thread` pacing's sender): an idle connection that `ready` accepts is reserved for it. Null
   * when none is ready, or the next request is past the measured window.
   */
  reserveNext(ready: (connection: number) => boolean): { connection: number; intendedMs: number } | null {
    if (!this.scheduling || this.nextDueMs >= this.window.measureEndMs) return null;
    const at = this.idle.findLastIndex(ready);
    if (at < 0) return null;
    // Usually the last idle one: popped, with no array made per send.
    const connection = at === this.idle.length - 1 ? this.idle.pop()! : this.idle.splice(at, 1)[0]!;
    const intendedMs = this.nextDueMs;
    this.busy[connection] = 1;
    this.intendedOf[connection] = intendedMs;
    this.sentOf[connection] = intendedMs;
    this.advance();
    return { connection, intendedMs };
  }

  /** The reserved request went out on `connection` at `sentMs`: counted as `due` counts a send. */
  reservedSent(connection: number, sentMs: number): void {
    const intended = this.intendedOf[connection]!;
    if (this.isMeasured(intended)) {
      recordLatencyUs(this.histograms.schedulerLag, (sentMs - intended) * 1_000);
      this.scheduledInWindow++;
      if (sentMs < this.window.measureEndMs) this.sentInWindow++;
    }
    this.sentOf[connection] = sentMs;
  }

  /**
   * The reserved request was not sent and the connection is idle again. Not yet due, the request
   * is the next one again; due (its sender failed or was late), it is issued now as `due` would.
   */
  release(connection: number, nowMs: number): void {
    const intended = this.intendedOf[connection]!;
    this.busy[connection] = 0;
    if (intended > nowMs && this.stashedDueMs === null) {
      this.idle.push(connection);
      this.stashedDueMs = this.nextDueMs;
      this.nextDueMs = intended;
      return;
    }
    if (this.isMeasured(intended)) {
      recordLatencyUs(this.histograms.schedulerLag, (nowMs - intended) * 1_000);
      this.scheduledInWindow++;
    }
    this.dispatch(connection, intended, nowMs);
  }

  /** A response (HTTP status) or a failure (error class) arrived on `connection` at `nowMs`. */
  complete(connection: number, outcome: number | ErrorClass, nowMs: number): void {
    // A connection that stopAt() already settled (its request counted as a timeout) reports once
    // more when its socket is destroyed: that second report must not count again.
    if (!this.busy[connection]) return;
    const intended = this.intendedOf[connection]!;
    if (intended >= this.window.measureStartMs && intended < this.window.measureEndMs) {
      const correctedUs = (nowMs - intended) * 1_000;
      if (typeof outcome === 'number') {
        recordLatencyUs(outcome >= 200 && outcome < 300 ? this.histograms.ok : this.histograms.non2xx, correctedUs);
        recordLatencyUs(this.histograms.uncorrected, (nowMs - this.sentOf[connection]!) * 1_000);
      } else {
        recordLatencyUs(this.histograms.error, correctedUs);
        this.errorsByClass[outcome]++;
      }
    }
    this.busy[connection] = 0;
    if (this.queueLength > 0) this.dispatch(connection, this.dequeue(), nowMs);
    else this.idle.push(connection);
  }

  /**
   * Ends the run at `nowMs`: no more sends, and later completions are ignored. Measured requests
   * still outstanding (in flight, or queued for a connection) got no answer: they count as
   * timeouts and go into the error histogram at `nowMs` minus their intended time. That is a lower
   * bound of their latency (they had waited that long and were still waiting), and under overload
   * it is far above the timeout: a request queued since the window's start has waited the whole
   * window and the drain. An "all attempts" latency (ok + non-2xx + error merged) shows them there.
   */
  stopAt(nowMs: number): void {
    this.scheduling = false;
    this.idle.length = 0;
    const unfinished: number[] = [];
    for (let c = this.busy.length - 1; c >= 0; c--) {
      if (this.busy[c] && this.isMeasured(this.intendedOf[c]!)) unfinished.push(this.intendedOf[c]!);
      this.busy[c] = 0;
      this.idle.push(c);
    }
    while (this.queueLength > 0) {
      const intended = this.dequeue();
      if (this.isMeasured(intended)) unfinished.push(intended);
    }
    this.unfinished += unfinished.length;
    this.errorsByClass.timeout += unfinished.length;
    for (const intended of unfinished) recordLatencyUs(this.histograms.error, (nowMs - intended) * 1_000);
  }

  private isMeasured(intended: number): boolean {
    return intended >= this.window.measureStartMs && intended < this.window.measureEndMs;
  }

  private dispatch(connection: number, intended: number, nowMs: number): void {
    if (nowMs < this.window.measureEndMs && this.isMeasured(intended)) this.sentInWindow++;
    this.busy[connection] = 1;
    this.intendedOf[connection] = intended;
    this.sentOf[connection] = nowMs;
    this.send(connection);
  }

  private enqueue(intended: number): void {
    if (this.queueLength === this.queue.length) {
      const bigger = new Float64Array(this.queue.length * 2);
      for (let i = 0; i < this.queueLength; i++) bigger[i] = this.queue[(this.queueHead + i) % this.queue.length]!;
      this.queue = bigger;
      this.queueHead = 0;
    }
    this.queue[(this.queueHead + this.queueLength) % this.queue.length] = intended;
    this.queueLength++;
  }

  private dequeue(): number {
    const intended = this.queue[this.queueHead]!;
    this.queueHead = (this.queueHead + 1) % this.queue.length;
    this.queueLength--;
    return intended;
  }
}
