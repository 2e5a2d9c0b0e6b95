/**
 * The `writer` pacing's thread: it keeps the clock and writes the requests itself, so the event
 * loop is woken by responses alone (the design of ../shared/research/pacing.md that reached 0.08-0.10
 * cores at 1k rps: sleep in `Atomics.wait` with 1 ns of timer slack, spin only the last tens of µs,
 * write with `write(2)` on the socket's descriptor).
 *
 * The event loop arms each idle connection with the next request of the schedule (its intended
 * time); the thread sleeps to the earliest armed time less its spin window, busy-waits the rest
 * and writes. Per connection, a state word moves ARMED → WRITING → WRITTEN (or FAILED), and the
 * event loop may take an ARMED one back (CANCELLED) before its socket closes, so the thread never
 * writes to a descriptor the kernel has handed to another socket. When a request falls due that no
 * connection was armed for (every one busy: the target is slow), the thread wakes the event loop,
 * which queues it as the open loop always did. A write that failed or went out in part wakes it too.
 *
 * The spin window adapts (see WINDOW_*): it is sized from the thread's own wake-up lateness, the
 * shortest window that would have kept its recent sends on time at P99, within bounds.
 */
import { Worker } from 'node:worker_threads';
import { TIMING_THREAD_PRELUDE, WINDOW_MAX_US, WINDOW_MIN_US, WINDOW_TARGET_LAG_US } from './pacer.ts';

export const IDLE = 0;
export const ARMED = 1;
const WRITING = 2;
export const WRITTEN = 3;
export const FAILED = 4;
export const CANCELLED = 5;

/** The window is re-sized every this many timed wake-ups, from the lateness of the last WINDOW_SAMPLES. */
const WINDOW_EVERY = 128;
const WINDOW_SAMPLES = 512;

// control[0]: arm sequence (the event loop adds 1 when the thread must look again; -1 stops);
// control[1]: events for the event loop (the thread adds 1: a due request with no armed
// connection, or a failed write); control[2]: 1 once the timer slack is 1 ns.
// clock[0]: the next intended time no connection is armed for (epoch ms; Infinity: none);
// clock[1]: the time the thread sleeps to (so the event loop wakes it only for an earlier arm);
// clock[2]: the spin window, ms; clock[3]: sum of the windows used per send, clock[4]: sends;
// clock[5], clock[6]: the smallest and largest window used.
// Per connection: state, fd, bytes written, error (1 EAGAIN, 2 another); at (intended), sent.
const WRITER_SOURCE = `${TIMING_THREAD_PRELUDE}
const clock = new Float64Array(workerData.clock);
const state = new Int32Array(workerData.state);
const fds = new Int32Array(workerData.fds);
const bytes = new Int32Array(workerData.bytes);
const errs = new Int32Array(workerData.errs);
const at = new Float64Array(workerData.at);
const sent = new Float64Array(workerData.sent);
const request = Buffer.from(workerData.request);
const C = state.length;
const { minMs, maxMs, targetMs, limitMs, every } = workerData;
const late = new Float64Array(workerData.samples);
let lateN = 0, sinceSized = 0, notifiedFor = -1;
const sorted = new Float64Array(late.length);
// The lag of the sends since the last sizing (sent − intended), for the give-up rule.
const sendLag = new Float64Array(late.length);
let sendLagN = 0;
let sized = { windowMs: clock[2], gaveUp: false };
const windowFor = ${spinWindowMs.toString()};
function resize() {
  const n = Math.min(lateN, late.length);
  sorted.set(late.subarray(0, n));
  sized = windowFor(sorted.subarray(0, n), sendLag.subarray(0, Math.min(sendLagN, sendLag.length)), sized, minMs, maxMs, targetMs, limitMs);
  clock[2] = sized.windowMs;
  sendLagN = 0;
}
function event() {
  Atomics.add(control, 1, 1);
  Atomics.notify(control, 1);
}
function write(c) {
  const fd = Atomics.load(fds, c);
  sent[c] = now();
  try {
    const n = fs.writeSync(fd, request);
    Atomics.store(bytes, c, n);
    Atomics.store(state, c, 3);
    if (n < request.length) event();
  } catch (e) {
    Atomics.store(bytes, c, 0);
    Atomics.store(errs, c, e.code === 'EAGAIN' ? 1 : 2);
    Atomics.store(state, c, 4);
    event();
  }
}
for (;;) {
  const seq = Atomics.load(control, 0);
  if (seq < 0) break;
  let next = Infinity;
  for (let c = 0; c < C; c++) if (Atomics.load(state, c) === 1 && at[c] < next) next = at[c];
  const unarmed = clock[0];
  if (unarmed !== notifiedFor && unarmed < next) next = unarmed;
  clock[1] = next;
  if (next === Infinity) { Atomics.wait(control, 0, seq); continue; }
  const spinMs = clock[2];
  const wakeAt = next - spinMs;
  let rest = wakeAt - now();
  let timedOut = false;
  while (rest > 0) {
    if (Atomics.wait(control, 0, seq, rest) !== 'timed-out') break;
    timedOut = true;
    rest = wakeAt - now();
  }
  if (timedOut) {
    // How late the sleep ended: what the window has to cover (whether or not an arm came meanwhile).
    late[lateN++ % late.length] = now() - wakeAt;
    if (++sinceSized >= every) { sinceSized = 0; resize(); }
  }
  if (Atomics.load(control, 0) !== seq) continue;
  while (now() < next) {}
  // Every armed request now due, oldest first (one, unless the thread itself was late).
  for (;;) {
    let c0 = -1, t0 = Infinity;
    const t = now();
    for (let c = 0; c < C; c++) if (Atomics.load(state, c) === 1 && at[c] <= t && at[c] < t0) { t0 = at[c]; c0 = c; }
    if (c0 < 0) break;
    if (Atomics.compareExchange(state, c0, 1, 2) !== 1) continue;
    write(c0);
    sendLag[sendLagN++ % sendLag.length] = sent[c0] - t0;
    clock[3] += spinMs; clock[4]++;
    if (spinMs < clock[5]) clock[5] = spinMs;
    if (spinMs > clock[6]) clock[6] = spinMs;
  }
  if (clock[0] !== notifiedFor && clock[0] <= now()) { notifiedFor = clock[0]; event(); }
}
`;

/**
 * The spin window for the thread's recent wake-up lateness (ms, any order; sorted in place): a
 * send is late by what its wake-up was late beyond the window, so the shortest window that keeps
 * the sends' lag P99 at `targetMs` is the lateness P99 less that, within the bounds. Past the
 * upper bound, the widest window is tried while it could keep the lag P99 within `limitMs` (the
 * trial's validity). When it could not, or when the sends made at the widest window (`sendLagMs`,
 * since the last sizing) were later than that all the same (a thread preempted while it spins),
 * spinning buys nothing a result can use, and the thread does not spin at all until its wake-ups
 * are back within reach of the window (`gaveUp` holds that between sizings): on a machine that
 * stops its threads for milliseconds the loader then costs least while the trial is invalid
 * anyway. (The thread runs this function's own source.)
 */
export function spinWindowMs(lateMs: Float64Array, sendLagMs: Float64Array, w: { windowMs: number; gaveUp: boolean }, minMs: number, maxMs: number, targetMs: number, limitMs: number): { windowMs: number; gaveUp: boolean } {
  const p99 = (xs: Float64Array) => xs.sort()[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))]!;
  if (lateMs.length === 0) return { windowMs: maxMs, gaveUp: false };
  const needed = p99(lateMs) - targetMs;
  if (needed <= maxMs) return { windowMs: Math.max(minMs, needed), gaveUp: false };
  if (w.gaveUp || needed + targetMs - maxMs > limitMs) return { windowMs: 0, gaveUp: w.gaveUp };
  if (w.windowMs === maxMs && sendLagMs.length > 0 && p99(sendLagMs) > limitMs) return { windowMs: 0, gaveUp: true };
  return { windowMs: maxMs, gaveUp: false };
}

/** How the spin window went over a run, for the engine's description. */
export interface WindowFigures {
  meanUs: number;
  minUs: number;
  maxUs: number;
  sends: number;
}

export class WriterThread {
  readonly state: Int32Array;
  readonly fds: Int32Array;
  readonly bytes: Int32Array;
  readonly errs: Int32Array;
  readonly at: Float64Array;
  readonly sent: Float64Array;
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * 3));
  private readonly clock = new Float64Array(new SharedArrayBuffer(8 * 7));
  private readonly worker: Worker;

  private constructor(connections: number, request: Buffer, firstWindowUs: number, lagLimitUs: number) {
    const i32 = () => new Int32Array(new SharedArrayBuffer(4 * connections));
    const f64 = () => new Float64Array(new SharedArrayBuffer(8 * connections));
    this.state = i32();
    this.fds = i32();
    this.bytes = i32();
    this.errs = i32();
    this.at = f64();
    this.sent = f64();
    const shared = new Uint8Array(new SharedArrayBuffer(request.length));
    shared.set(request);
    this.clock.set([Infinity, Infinity, firstWindowUs / 1_000, 0, 0, Infinity, 0]);
    const buffers = { control: this.control.buffer, clock: this.clock.buffer, state: this.state.buffer, fds: this.fds.buffer, bytes: this.bytes.buffer, errs: this.errs.buffer, at: this.at.buffer, sent: this.sent.buffer };
    const window = { minMs: WINDOW_MIN_US / 1_000, maxMs: WINDOW_MAX_US / 1_000, targetMs: WINDOW_TARGET_LAG_US / 1_000, limitMs: lagLimitUs / 1_000, every: WINDOW_EVERY, samples: new SharedArrayBuffer(8 * WINDOW_SAMPLES) };
    // No execArgv: the source is CommonJS, whatever flags started this process.
    this.worker = new Worker(WRITER_SOURCE, { eval: true, execArgv: [], workerData: { ...buffers, ...window, request: shared } });
  }

  /** `lagLimitUs`: the trial's lag limit, past which no spin window is worth its CPU (spinWindowMs). */
  static async start(connections: number, request: Buffer, firstWindowUs: number, lagLimitUs: number): Promise<WriterThread> {
    const thread = new WriterThread(connections, request, firstWindowUs, lagLimitUs);
    await new Promise<void>((resolve, reject) => {
      thread.worker.once('online', resolve);
      thread.worker.once('error', reject);
    });
    return thread;
  }

  /** Arms `connection` (descriptor `fd`) to be written at `epochMs`; the connection must be IDLE. */
  arm(connection: number, fd: number, epochMs: number): void {
    this.at[connection] = epochMs;
    Atomics.store(this.fds, connection, fd);
    Atomics.store(this.state, connection, ARMED);
    this.changed(epochMs);
  }

  /** The next intended time no connection is armed for (Infinity: none); the thread wakes the event loop at it. */
  set unarmedMs(epochMs: number) {
    if (this.clock[0] === epochMs) return;
    this.clock[0] = epochMs;
    this.changed(epochMs);
  }

  /** Resolves at the thread's next event (a due request no connection was armed for, a failed write). */
  nextEvent(): Promise<unknown> {
    const seen = Atomics.load(this.control, 1);
    const waited = Atomics.waitAsync(this.control, 1, seen);
    return waited.async ? waited.value : Promise.resolve();
  }

  /**
   * Takes `connection`'s arm back if it has not begun, or waits for its write to end (one system
   * call): either way the thread no longer touches its descriptor when this returns.
   */
  cancel(connection: number): void {
    Atomics.compareExchange(this.state, connection, ARMED, CANCELLED);
    this.settled(connection);
  }

  /** The connection's state once no write is under way on it. */
  settled(connection: number): number {
    let s: number;
    while ((s = Atomics.load(this.state, connection)) === WRITING) {
      // a write is under way: a few µs, unless the thread lost its core mid-write
    }
    return s;
  }

  get slackSet(): boolean {
    return Atomics.load(this.control, 2) === 1;
  }

  window(): WindowFigures {
    const sends = this.clock[4]!;
    return { meanUs: sends ? (this.clock[3]! / sends) * 1_000 : this.clock[2]! * 1_000, minUs: sends ? this.clock[5]! * 1_000 : 0, maxUs: this.clock[6]! * 1_000, sends };
  }

  async close(): Promise<void> {
    for (let c = 0; c < this.state.length; c++) this.cancel(c);
    Atomics.store(this.control, 0, -1);
    Atomics.notify(this.control, 0);
    await this.worker.terminate();
  }

  /**
   * Something the thread reads changed, at `epochMs`. The sequence always moves, so a thread that
   * read the old state cannot then sleep on it (its wait returns at once); a sleeping thread is
   * woken only when the change is earlier than the time it sleeps to (it looks again then anyway).
   */
  private changed(epochMs: number): void {
    Atomics.add(this.control, 0, 1);
    if (epochMs < this.clock[1]!) Atomics.notify(this.control, 0);
  }
}
