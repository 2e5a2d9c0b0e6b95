/**
 * The `thread` pacing, event-loop side: it reserves the next request on a connected idle
 * connection and arms the sender thread (send-thread.ts) to write it at its intended time, one
 * send at a time; it reads every response as the other pacings do. When no connection is ready
 * (still connecting, or all busy), the thread only wakes the event loop at the send time and the
 * event loop sends, as the `sleep` pacing does without its spin window.
 */
import { epochNowMs, type Http1Pool } from './http1.ts';
import type { OpenLoopCore } from './open-loop-core.ts';
import { finalSpin } from './pacer.ts';
import type { SendThread } from './send-thread.ts';

export interface ThreadPacedOptions {
  core: OpenLoopCore;
  pool: Http1Pool;
  thread: SendThread;
  measureEndMs: number;
  /** The sender thread's spin window, ms. */
  spinMs: number;
  signal: AbortSignal;
  /** Called once the measured window's sends are over. */
  onWindowEnd: () => void;
}

/** Time the event loop needs, once woken, to arm a send (its wake-up on this VM is often 100-300 µs late). */
const WAKE_MARGIN_MS = 0.4;

export class ThreadPacedLoop {
  private readonly o: ThreadPacedOptions;
  /** The request the thread is to write, while it is armed and not yet settled. */
  private armed: { connection: number; intendedMs: number } | null = null;
  private stopped = false;
  private windowEnded = false;
  /** The number of the latest arm. */
  private seq = 0;
  /** A taken-back request's connection, until the core has it back. */
  private releasing: number | null = null;

  constructor(o: ThreadPacedOptions) {
    this.o = o;
  }

  start(): void {
    this.loop();
  }

  /** The pool is about to report a response or failure on `connection`: its send is settled first. */
  beforeComplete(connection: number, nowMs: number): void {
    if (this.armed?.connection === connection) this.settle(nowMs);
  }

  /** The pool is about to close `connection`'s socket: the thread must be done with its descriptor. */
  beforeClose(connection: number): void {
    if (this.armed?.connection !== connection) return;
    this.o.thread.cancel();
    this.settle(epochNowMs());
  }

  /** Abort or the end of the run: nothing more is written. */
  stop(): void {
    this.stopped = true;
    this.o.thread.cancel();
    this.settle(epochNowMs());
    this.release(epochNowMs());
  }

  /** The pool has reported a response or failure: the armed send may be settled, so arm the next now. */
  afterComplete(): void {
    if (!this.armed && !this.o.thread.busy) this.loop();
  }

  /** The thread is done with arm `seq` (or gave up waiting for the event loop to arm the next). */
  private onArmDone(seq: number): void {
    // An arm the event loop moved past (it armed the next from a response) resolves late: ignore it.
    if (this.o.signal.aborted || seq !== this.seq) return;
    this.settle(epochNowMs());
    if (!this.o.thread.busy) this.loop();
  }

  /** Takes the thread's report of the armed send, if it has one, into the books. */
  private settle(nowMs: number): void {
    const report = this.o.thread.take();
    const armed = this.armed;
    if (!report || !armed) return;
    this.armed = null;
    const { core, pool } = this.o;
    const connection = pool.connections[armed.connection]!;
    if (report.state === 'cancelled') {
      connection.busy = false;
      // Stopping: back to the books at once, before the core counts what is still out. Else its
      // socket is closing now: back once the close has run its course, so the request cannot be
      // sent on the closing socket.
      this.releasing = armed.connection;
      if (this.stopped) this.release(nowMs);
      else queueMicrotask(() => this.release(epochNowMs()));
      return;
    }
    core.reservedSent(armed.connection, report.sentMs);
    connection.sentAtMs = report.sentMs;
    if (report.state === 'written' && report.bytes < pool.request.length) connection.writeFrom(report.bytes);
    else if (report.error === 'again') connection.writeFrom(0);
    else if (report.error === 'broken') connection.fail('reset', nowMs);
  }

  /** A request taken back goes back to the core once (stop() may come before the microtask). */
  private release(nowMs: number): void {
    if (this.releasing === null) return;
    const connection = this.releasing;
    this.releasing = null;
    this.o.core.release(connection, nowMs);
  }

  private loop(): void {
    const { core, pool, thread, measureEndMs } = this.o;
    for (;;) {
      if (this.o.signal.aborted || this.windowEnded) return;
      const now = epochNowMs();
      core.due(now);
      if (now >= measureEndMs) {
        this.windowEnded = true;
        return this.o.onWindowEnd();
      }
      const nextMs = Math.min(core.nextDue, measureEndMs);
      // Too close for a hand-off: the event loop sends this one itself.
      if (finalSpin(nextMs, epochNowMs)) continue;
      const reserved = core.reserveNext((c) => pool.connections[c]!.fd >= 0);
      let fd = -1;
      if (reserved) {
        const connection = pool.connections[reserved.connection]!;
        connection.expect(reserved.intendedMs);
        fd = connection.fd;
        this.armed = reserved;
      } else {
        for (const c of pool.connections) if (!c.busy) c.open();
      }
      // Wake the event loop after the write only if no response has come in time to arm the next
      // send (a response wakes it anyway): by WAKE_MARGIN_MS before the next send's own spin.
      const wakeByMs = reserved ? Math.min(core.nextDue, measureEndMs) - this.o.spinMs - WAKE_MARGIN_MS : 0;
      const seq = ++this.seq;
      void thread.arm(reserved?.intendedMs ?? nextMs, fd, wakeByMs).then(() => this.onArmDone(seq));
      return;
    }
  }
}
