/**
 * The `writer` pacing, event-loop side: it arms every idle, connected connection with the next
 * request of the schedule and lets the writer thread (writer-thread.ts) send it on time; it is woken
 * by responses, and by the thread only when a request falls due with no connection armed for it
 * (then it queues it, as the open loop always did) or a write failed. One wake-up per request,
 * where the `sleep` pacing needs two and a spin window on this thread.
 */
import { epochNowMs } from './http1.ts';
import type { Http1Pool } from './http1-pool.ts';
import type { OpenLoopCore } from './open-loop-core.ts';
import { ARMED, CANCELLED, FAILED, IDLE, WRITTEN, type WriterThread } from './writer-thread.ts';

export interface WriterPacedOptions {
  core: OpenLoopCore;
  pool: Http1Pool;
  thread: WriterThread;
  measureEndMs: number;
  signal: AbortSignal;
  /** Called once the measured window's sends are over. */
  onWindowEnd: () => void;
}

export class WriterPacedLoop {
  private readonly o: WriterPacedOptions;
  /** Per connection: armed and not yet settled (its write report not yet in the books). */
  private readonly armed: Uint8Array;
  private stopped = false;
  private ended = false;

  constructor(o: WriterPacedOptions) {
    this.o = o;
    this.armed = new Uint8Array(o.pool.connections.length);
  }

  start(): void {
    for (const c of this.o.pool.connections) c.open();
    this.listen();
    this.arm(epochNowMs());
  }

  /** The pool is about to report a response or failure on `connection`: its write is settled first. */
  beforeComplete(connection: number, nowMs: number): void {
    this.settle(connection, nowMs);
  }

  /** After the core has the response: the connection, idle again, gets the next request. */
  afterComplete(): void {
    this.arm(epochNowMs());
  }

  /** The pool is about to close `connection`'s socket: the thread must be done with its descriptor. */
  beforeClose(connection: number): void {
    if (!this.armed[connection]) return;
    this.o.thread.cancel(connection);
    this.settle(connection, epochNowMs());
  }

  /** Abort or the end of the run: nothing more is written. */
  stop(): void {
    this.stopped = true;
    for (let c = 0; c < this.armed.length; c++) {
      if (!this.armed[c]) continue;
      this.o.thread.cancel(c);
      this.settle(c, epochNowMs());
    }
  }

  /** A connection the thread can write to: connected, with a descriptor. */
  private readonly ready = (connection: number) => this.o.pool.connections[connection]!.fd >= 0;

  private listen(): void {
    void this.o.thread.nextEvent().then(this.onEvent);
  }

  private readonly onEvent = () => {
    if (this.o.signal.aborted || this.stopped || this.ended) return;
    // Listen again first: an event the thread raises from here on resolves the next wait.
    this.listen();
    const now = epochNowMs();
    // Failed or partial writes: the event loop finishes them.
    for (let c = 0; c < this.armed.length; c++) if (this.armed[c] && this.o.thread.state[c] !== ARMED) this.settle(c, now);
    this.arm(now);
  };

  /** Issues what is due (queued when every connection is busy), then arms each idle connection. */
  private arm(now: number): void {
    if (this.o.signal.aborted || this.stopped || this.ended) return;
    const { core, pool, thread, measureEndMs } = this.o;
    core.due(now);
    if (now >= measureEndMs) {
      this.ended = true;
      thread.unarmedMs = Infinity;
      return this.o.onWindowEnd();
    }
    for (let r = core.reserveNext(this.ready); r; r = core.reserveNext(this.ready)) {
      const connection = pool.connections[r.connection]!;
      connection.expect(r.intendedMs);
      this.armed[r.connection] = 1;
      thread.arm(r.connection, connection.fd, r.intendedMs);
    }
    // The thread wakes this loop when that one falls due unarmed, and at the window's end.
    thread.unarmedMs = Math.min(core.nextDue, measureEndMs);
  }

  /** Takes the thread's report of `connection`'s armed request, if it has one, into the books. */
  private settle(connection: number, nowMs: number): void {
    if (!this.armed[connection]) return;
    const { core, pool, thread } = this.o;
    const state = thread.settled(connection);
    if (state === ARMED) return;
    this.armed[connection] = 0;
    Atomics.store(thread.state, connection, IDLE);
    const c = pool.connections[connection]!;
    if (state === CANCELLED) {
      c.busy = false;
      // Stopping: the core's stop() counts what is still out. Else its socket is closing now:
      // back once the close has run its course, so the request cannot go out on that socket.
      if (!this.stopped) {
        queueMicrotask(() => {
          if (this.stopped || this.o.signal.aborted) return;
          core.release(connection, epochNowMs());
          this.arm(epochNowMs());
        });
      }
      return;
    }
    const sentMs = thread.sent[connection]!;
    core.reservedSent(connection, sentMs);
    c.sentAtMs = sentMs;
    const bytes = thread.bytes[connection]!;
    if (state === WRITTEN && bytes < pool.request.length) c.writeFrom(bytes);
    else if (state === FAILED && thread.errs[connection] === 1) c.writeFrom(0);
    else if (state === FAILED) c.fail('reset', nowMs);
  }
}
