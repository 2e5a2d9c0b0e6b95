/**
 * The `thread` pacing's sender: a thread that sleeps until a send's intended time and writes the
 * request to the connection's socket itself (`write(2)` on the file descriptor the event loop
 * reads from), so no wake-up of the event loop stands between the schedule and the wire
 * (../shared/research/pacing.md: each hand-off to the event loop cost ~20 µs at P50 and nearly
 * doubled the P99). The event loop arms one send at a time and still reads every response.
 *
 * One armed send moves through ARMED → WRITING → WRITTEN (or FAILED); the event loop may take an
 * ARMED one back (CANCELLED) before its socket closes, so the thread never writes to a file
 * descriptor the kernel has handed to another socket. An arm with no descriptor only wakes the
 * event loop at its time (when no connection was ready to take the send).
 */
import { Worker } from 'node:worker_threads';
import { TIMING_THREAD_PRELUDE } from './pacer.ts';

const IDLE = 0;
const ARMED = 1;
const WRITING = 2;
const WRITTEN = 3;
const FAILED = 4;
const CANCELLED = 5;

// control[0]: arm sequence (the event loop adds 1 per arm; -1 stops); control[1]: the last arm
// done; control[2]: 1 when the timer slack was set; control[3]: the arm's state (IDLE..CANCELLED
// above); control[4]: the fd (-1: wake only); control[5]: bytes written; control[6]: 1 EAGAIN,
// 2 another error (FAILED).
// times[0]: the epoch ms to send at; times[1]: when the write began; times[2]: spin window ms.
const SENDER_SOURCE = `${TIMING_THREAD_PRELUDE}
const times = new Float64Array(workerData.times);
const request = Buffer.from(workerData.request);
for (;;) {
  const seq = Atomics.load(control, 0);
  if (seq < 0) break;
  if (seq === handled) { Atomics.wait(control, 0, seq); continue; }
  handled = seq;
  const at = times[0];
  const spinMs = times[2];
  let rest;
  while ((rest = at - spinMs - now()) > 0 && Atomics.load(control, 3) === 1) Atomics.wait(control, 0, seq, rest);
  while (now() < at && Atomics.load(control, 3) === 1) {}
  if (Atomics.compareExchange(control, 3, 1, 2) === 1) send();
  Atomics.store(control, 1, seq);
  Atomics.notify(control, 1);
}
function send() {
  const fd = Atomics.load(control, 4);
  times[1] = now();
  if (fd >= 0) {
    try {
      Atomics.store(control, 5, fs.writeSync(fd, request));
      Atomics.store(control, 3, 3);
    } catch (e) {
      Atomics.store(control, 5, 0);
      Atomics.store(control, 6, e.code === 'EAGAIN' ? 1 : 2);
      Atomics.store(control, 3, 4);
    }
  } else Atomics.store(control, 3, 3);
}
`;

/** What became of an armed send. */
export interface SendReport {
  /** written: the request (or `bytes` of it) went out, or the wake came; failed: the write failed; cancelled: taken back. */
  state: 'written' | 'failed' | 'cancelled';
  /** When the write began (epoch ms); for a wake-only arm, when the event loop was woken. */
  sentMs: number;
  bytes: number;
  /** FAILED: nothing written because the socket buffer was full (EAGAIN), or the socket broke. */
  error: 'again' | 'broken' | null;
}

export class SendThread {
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * 7));
  private readonly times = new Float64Array(new SharedArrayBuffer(8 * 3));
  private readonly worker: Worker;

  private constructor(request: Buffer, spinUs: number) {
    const shared = new Uint8Array(new SharedArrayBuffer(request.length));
    shared.set(request);
    this.times[2] = spinUs / 1_000;
    this.worker = new Worker(SENDER_SOURCE, { eval: true, workerData: { control: this.control.buffer, times: this.times.buffer, request: shared } });
  }

  /** `spinUs`: the thread busy-waits this long before each send, after sleeping. */
  static async start(request: Buffer, spinUs: number): Promise<SendThread> {
    const thread = new SendThread(request, spinUs);
    await new Promise<void>((resolve, reject) => {
      thread.worker.once('online', resolve);
      thread.worker.once('error', reject);
    });
    return thread;
  }

  /**
   * An arm is out: armed, being written, not yet taken with `take()`, or not yet acknowledged
   * by the thread (which has then still to let go of the arm's time and descriptor).
   */
  get busy(): boolean {
    return Atomics.load(this.control, 3) !== IDLE || Atomics.load(this.control, 1) !== Atomics.load(this.control, 0);
  }

  /**
   * Writes the request to `fd` at `epochMs` (or only wakes, with fd -1). The promise resolves
   * once the thread is done with it (written, failed or cancelled); `take()` says how it went.
   */
  arm(epochMs: number, fd: number): Promise<unknown> {
    if (this.busy) throw new Error('SendThread: one send at a time; take() the last one and wait for its promise');
    this.times[0] = epochMs;
    Atomics.store(this.control, 4, fd);
    Atomics.store(this.control, 3, ARMED);
    const seq = Atomics.add(this.control, 0, 1) + 1;
    Atomics.notify(this.control, 0);
    const done = Atomics.waitAsync(this.control, 1, seq - 1);
    return done.async ? done.value : Promise.resolve();
  }

  /**
   * Takes the armed send back if it has not begun, or waits for its write to end (one system
   * call). Either way the thread no longer touches the descriptor when this returns, so its
   * socket may be closed; `take()` says which it was.
   */
  cancel(): void {
    if (Atomics.compareExchange(this.control, 3, ARMED, CANCELLED) === ARMED) Atomics.notify(this.control, 0);
    while (Atomics.load(this.control, 3) === WRITING) {
      // the write is under way: a few µs, unless the thread lost its core mid-write
    }
  }

  /**
   * How the arm went, which frees the thread for the next one (once it has acknowledged, see
   * `busy`); null while it is still armed. A response may be read before the arm's promise
   * resolves: the write is over by then, so its report is already here.
   */
  take(): SendReport | null {
    while (Atomics.load(this.control, 3) === WRITING) {
      // see cancel()
    }
    const state = Atomics.load(this.control, 3);
    if (state !== WRITTEN && state !== FAILED && state !== CANCELLED) return null;
    const report: SendReport = {
      state: state === WRITTEN ? 'written' : state === FAILED ? 'failed' : 'cancelled',
      sentMs: this.times[1]!,
      bytes: Atomics.load(this.control, 5),
      error: state === FAILED ? (Atomics.load(this.control, 6) === 1 ? 'again' : 'broken') : null,
    };
    Atomics.store(this.control, 3, IDLE);
    return report;
  }

  async close(): Promise<void> {
    this.cancel();
    Atomics.store(this.control, 0, -1);
    Atomics.notify(this.control, 0);
    await this.worker.terminate();
  }
}
