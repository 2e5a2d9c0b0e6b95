/**
 * The `thread` pacing, event-loop side: it reserves the next request on a connected idle
 * connection and arms the sender thread (send-thread.ts) to write it at its intended time, one
 * send at a time; it reads every response as the other pacings do. When no connection is ready
 * (still connecting, or all busy), the thread only wakes the event loop at the send time and the
 * event loop sends, as the `sleep` pacing does without its spin window.
 */
import { epochNowMs } from './http1.ts';
import type { Http1Pool } from './http1-pool.ts';
import type { OpenLoopCore } from './open-loop-core.ts';
import { finalSpin } from './pacer.ts';
import type { SendThread } from './send-thread.ts';

export interface ThreadPacedOptions {
  core: OpenLoopCore;
  pool: Http1Pool;
  thread: SendThread;
  measureEndMs: number;
  signal: AbortSignal;
  /** Called once the measured window's sends are over. */
  onWindowEnd: () => void;
}

export class ThreadPacedLoop {
  private readonly o: ThreadPacedOptions;
  /** The request the thread is to write, while it is armed and not yet settled. */
  private armed: { connection: number; intendedMs: number } | null = null;
  private stopped = false;
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

  /** A connection the thread can write to: connected, with a descriptor (made once, not per send). */
  private readonly ready = (connection: number) => this.o.pool.connections[connection]!.fd >= 0;

  private readonly onArmDone = () => {
    if (this.o.signal.aborted) return;
    this.settle(epochNowMs());
    if (!this.o.thread.busy) this.loop();
  };

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
      if (this.o.signal.aborted) return;
      const now = epochNowMs();
      core.due(now);
      if (now >= measureEndMs) return this.o.onWindowEnd();
      const nextMs = Math.min(core.nextDue, measureEndMs);
      // Too close for a hand-off: the event loop sends this one itself.
      if (finalSpin(nextMs, epochNowMs)) continue;
      const reserved = core.reserveNext(this.ready);
      let fd = -1;
      if (reserved) {
        const connection = pool.connections[reserved.connection]!;
        connection.expect(reserved.intendedMs);
        fd = connection.fd;
        this.armed = reserved;
      } else {
        for (const c of pool.connections) if (!c.busy) c.open();
      }
      void thread.arm(reserved?.intendedMs ?? nextMs, fd).then(this.onArmDone);
      return;
    }
  }
}
