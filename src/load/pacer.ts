/**
 * Pacing: how the open loop waits for the next intended send time. Node's timers step in whole
 * milliseconds, far coarser than the µs the loader must keep, so there are these ways (measured
 * in ../shared/research/pacing.md and bench/README.md); `sleep` is the default up to
 * SLEEP_UP_TO_RPS per worker, `spin` above it; the others are measured candidates (`writer`, issue
 * 29's, was cheaper than `sleep` at 1k rps against a bare target only while the machine was too
 * busy for either to be on time, and in `bench run` on 2026-12-07 it left more trials invalid and
 * the P99s higher than `sleep`: bench/README.md, section 7):
 *
 * - `writer`: a thread keeps the schedule and writes the requests itself; it sleeps in
 *   `Atomics.wait` (timer slack 1 ns) and spins a window before each send that it sizes from its
 *   own recent wake-ups (WINDOW_*). The event loop arms idle connections and is woken by responses
 *   (writer-thread.ts, writer-paced.ts). Plain HTTP only: over TLS the bytes are not the request.
 * - `sleep`: a pacing thread sleeps in `Atomics.wait` (a futex with a µs timeout, its timer slack
 *   set to 1 ns) until `spinUs` before the send, then wakes the event loop through
 *   `Atomics.waitAsync`; the event loop polls its sockets with `setImmediate` until the last
 *   `FINAL_SPIN_US`, which it busy-waits. The loader costs what its spin windows cost, a fraction
 *   of a core at moderate rates.
 * - `adaptive`: `sleep` with a spin window sized from the hand-off's lateness as the loader sees
 *   it (its recent worst, decaying slowly, plus a margin): small on a quiet machine, wider on a busy one.
 * - `thread`: a sender thread sleeps to `spinUs` before the send, busy-waits the rest and
 *   writes the request to the socket itself, one armed send at a time; the event loop arms each
 *   (send-thread.ts, thread-paced.ts). Plain HTTP only.
 * - `spin`: a timer to ~2 ms before the send, then `setImmediate` turns. A full core at any rate,
 *   but no hand-off between threads: at high rates, where the sends are closer together than a
 *   spin window, sleeping saves nothing and the hand-off only adds lag.
 */
import { Worker } from 'node:worker_threads';

export type PacingKind = 'writer' | 'sleep' | 'adaptive' | 'spin' | 'thread';

export interface Pacing {
  kind: PacingKind;
  /** sleep: how long before each send the event loop is woken to poll, then spin (adaptive: the first window); thread: how long the sender thread spins. */
  spinUs: number;
  /**
   * sleep: after a send, keep polling the sockets (instead of sleeping) this long while requests are
   * outstanding, so a fast response is read by a running event loop, not one woken from epoll.
   */
  pollUs: number;
  /** How results name it, e.g. "sleep+spin 200µs". */
  label: string;
}

/**
 * Up to this rate per load worker the loader sleeps between sends; above it, it spins. Chosen
 * from bench:load's pacing-by-rate table (bench/README.md, two runs): at 2.5k rps the sender thread
 * took 0.44-0.47 cores (lag P99 142-199 µs) and sleep+spin 200 µs 0.60-0.64 against spinning's
 * 1.00; at 5k rps sleeping saved nothing and the sender thread fell behind (lag P99 0.4-1.3 ms,
 * over 1 ms from 10k: one hand-off per send).
 */
export const SLEEP_UP_TO_RPS = 2_500;
/**
 * The event loop is woken this long before each send, to absorb the hand-off's lateness. 100 µs
 * costs 0.1 cores less at 1k rps and did as well on an idle machine (bench:load section 4), but
 * a real run shares the machine with the workload and its proxies, and there the hand-off is
 * later: in `scenarios/local-sidecar-vs-ambient.yaml`, run twice each way alternately, 100 µs had
 * 2 of 18 trials invalid for loader lag (P99 median 433 µs, loader 0.18 cores) and 200 µs none
 * (299 µs, 0.27 cores).
 */
export const SLEEP_SPIN_US = 200;
/**
 * thread: the sender thread busy-waits this long before each send. The pacing lab's best was 60 µs
 * (../shared/research/pacing.md); in the engine at 1k rps (bench:load section 4, 3 rounds): 60 µs
 * 0.196 cores, lag P99 185 µs; 100 µs 0.225, 177 µs; 150 µs 0.274, 165 µs. Two interleaved runs
 * before it (4 and 6 rounds of 5 s) gave lag P99 medians of 116 and 136 µs at 100 µs, 168 at 60
 * and 167-189 at 150-200: 100 µs sits between cost and lateness.
 */
export const THREAD_SPIN_US = 100;
/** The last part of a wait is a busy loop: `setImmediate` turns are ~5-20 µs coarse. */
const FINAL_SPIN_MS = 0.03;

/** The pacing a worker uses at `rateRpsPerWorker` to a target of `protocol`; `kind` forces one (benchmarks compare them). */
export function choosePacing(rateRpsPerWorker: number, kind?: PacingKind, spinUs?: number, pollUs = SLEEP_POLL_US, protocol = 'http:'): Pacing {
  let chosen = kind ?? (rateRpsPerWorker <= SLEEP_UP_TO_RPS ? DEFAULT_SLEEP : 'spin');
  // The sender and writer threads write plain HTTP only: over TLS the event loop sleeps and sends.
  if ((chosen === 'thread' || chosen === 'writer') && protocol !== 'http:') chosen = 'sleep';
  if (chosen === 'writer') {
    const us = spinUs ?? WRITER_FIRST_WINDOW_US;
    return { kind: 'writer', spinUs: us, pollUs: 0, label: `writer thread+adaptive spin ${WINDOW_MIN_US}-${WINDOW_MAX_US}µs` };
  }
  if (chosen === 'thread') {
    const us = spinUs ?? THREAD_SPIN_US;
    return { kind: 'thread', spinUs: us, pollUs: 0, label: `sender thread+spin ${us}µs` };
  }
  spinUs ??= SLEEP_SPIN_US;
  const poll = pollUs > 0 ? `+poll ${pollUs}µs` : '';
  if (chosen === 'sleep') return { kind: 'sleep', spinUs, pollUs, label: `sleep+spin ${spinUs}µs${poll}` };
  if (chosen === 'adaptive') return { kind: 'adaptive', spinUs: ADAPTIVE_MAX_US, pollUs, label: `sleep+adaptive spin${poll}` };
  return { kind: 'spin', spinUs: 0, pollUs: 0, label: 'spin' };
}

/** writer: the spin window before the thread has seen its own wake-ups (it adapts from there). */
export const WRITER_FIRST_WINDOW_US = 60;
/**
 * writer: the spin window's bounds, and the lag it aims for at P99: the thread sizes the window
 * from its own recent wake-ups, to the shortest that would have kept the P99 of its sends'
 * lateness at WINDOW_TARGET_LAG_US (writer-thread.ts).
 */
export const WINDOW_MIN_US = 20;
export const WINDOW_MAX_US = 400;
export const WINDOW_TARGET_LAG_US = 20;

/** After each send the event loop polls this long (while a request is out) before it sleeps. */
export const SLEEP_POLL_US = 0;

/**
 * Over TLS below SLEEP_UP_TO_RPS: which sleeping pacing (bench/README.md's pacing table). Not the sender
 * thread, though in bench:load section 4 it was cheaper (0.225 against 0.251 cores), as late
 * (lag P99 177 against 179 µs) and alone unbiased (+9 against +35 µs from 0 to 300 µs of service):
 * in `bench run` (the ambient scenario, 36 trials each, alternately) it raised the no-mesh P99 to
 * 1.2-2.1 ms against 0.4-1.2 ms, so a mesh's added P99 read far too low. Why is not known: not
 * waking the event loop at each send (arming the next on the response) kept that P99 and left 4
 * of 9 trials invalid for lag.
 */
const DEFAULT_SLEEP: PacingKind = 'sleep';
const ADAPTIVE_MIN_US = 40;
const ADAPTIVE_MAX_US = 500;
const ADAPTIVE_MARGIN_US = 30;
/** Per wake: the worst lateness seen fades by half over ~700 wakes (0.7 s at 1k rps). */
const ADAPTIVE_DECAY = 0.999;

/** The spin window in ms: fixed, or (adaptive) the recent worst hand-off lateness plus a margin. */
export class SpinWindow {
  ms: number;
  private readonly adaptive: boolean;
  private worstLateMs = 0;

  constructor(pacing: Pacing) {
    this.adaptive = pacing.kind === 'adaptive';
    this.ms = pacing.spinUs / 1_000;
  }

  /** The event loop ran `lateMs` after the time it asked to be woken at. */
  observe(lateMs: number): void {
    if (!this.adaptive) return;
    this.worstLateMs = Math.max(lateMs, this.worstLateMs * ADAPTIVE_DECAY);
    this.ms = Math.min(ADAPTIVE_MAX_US, Math.max(ADAPTIVE_MIN_US, this.worstLateMs * 1_000 + ADAPTIVE_MARGIN_US)) / 1_000;
  }
}

/**
 * The start of a timing thread's source (this pacer's and the sender thread's): its control words
 * (`workerData.control`, control[2] set to 1 once its timer slack is 1 ns), `fs`, an epoch clock
 * `now()`, and `handled`, the last sequence number it dealt with.
 */
export const TIMING_THREAD_PRELUDE = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const control = new Int32Array(workerData.control);
try {
  // Linux adds 50 µs of slack to every timed wait by default; /proc/TID/ addresses this thread.
  const tid = fs.readlinkSync('/proc/thread-self').split('/').pop();
  fs.writeFileSync('/proc/' + tid + '/timerslack_ns', '1');
  Atomics.store(control, 2, 1);
} catch {}
const now = () => performance.timeOrigin + performance.now();
let handled = 0;
`;

// The pacing thread, as source: a worker from a string also runs from a single bundled file.
// control[0]: wake requests (main adds 1 per request; -1 stops), control[1]: the last request
// fired, control[2]: 1 when the timer slack was set. wakeAt[0]: the epoch ms to fire at.
const PACER_SOURCE = `${TIMING_THREAD_PRELUDE}
const wakeAt = new Float64Array(workerData.wakeAt);
for (;;) {
  const seq = Atomics.load(control, 0);
  if (seq < 0) break;
  if (seq === handled) { Atomics.wait(control, 0, seq); continue; }
  const at = wakeAt[0];
  let rest;
  while ((rest = at - now()) > 0 && Atomics.load(control, 0) === seq) Atomics.wait(control, 0, seq, rest);
  if (Atomics.load(control, 0) !== seq) continue;
  handled = seq;
  Atomics.store(control, 1, seq);
  Atomics.notify(control, 1);
}
`;

/** The `sleep` pacing's thread, seen from the event loop. */
export class SleepPacer {
  private readonly control = new Int32Array(new SharedArrayBuffer(12));
  private readonly wakeAt = new Float64Array(new SharedArrayBuffer(8));
  private readonly worker: Worker;

  private constructor() {
    this.worker = new Worker(PACER_SOURCE, { eval: true, workerData: { control: this.control.buffer, wakeAt: this.wakeAt.buffer } });
  }

  static async start(): Promise<SleepPacer> {
    const pacer = new SleepPacer();
    await new Promise<void>((resolve, reject) => {
      pacer.worker.once('online', resolve);
      pacer.worker.once('error', reject);
    });
    return pacer;
  }

  /** Whether the pacing thread could set its timer slack to 1 ns (else the kernel's 50 µs). */
  get slackSet(): boolean {
    return Atomics.load(this.control, 2) === 1;
  }

  /** Resolves at `epochMs` (a little after: the hand-off); null when no wait is needed. */
  sleepUntil(epochMs: number): Promise<unknown> | null {
    this.wakeAt[0] = epochMs;
    const seq = Atomics.add(this.control, 0, 1) + 1;
    Atomics.notify(this.control, 0);
    const waited = Atomics.waitAsync(this.control, 1, seq - 1);
    return waited.async ? waited.value : null;
  }

  /** Ends a pending wait at once (abort). */
  wakeNow(): void {
    Atomics.store(this.control, 1, Atomics.load(this.control, 0));
    Atomics.notify(this.control, 1);
  }

  async close(): Promise<void> {
    this.wakeNow();
    Atomics.store(this.control, 0, -1);
    Atomics.notify(this.control, 0);
    await this.worker.terminate();
  }
}

/** Busy-waits to `epochMs` if it is within the final spin; else says how long is left. */
export function finalSpin(epochMs: number, now: () => number): boolean {
  const rest = epochMs - now();
  if (rest > FINAL_SPIN_MS) return false;
  while (now() < epochMs) {
    // the last few µs: no timer or poll is this fine
  }
  return true;
}
