/**
 * Open loop (`mode: rate`): requests at fixed intended times over N keep-alive connections,
 * latency from the intended time (see open-loop-core.ts). This file is the real-time driver: a
 * clock, a pacing loop (pacer.ts) and the connections: HTTP/1.1 (http1.ts), or h2c, gRPC and TCP
 * (slot-pool.ts), all recorded by the same core.
 */
import type { WorkloadTrust } from '../workload/protocol.ts';
import { epochNowMs, type CompleteFn } from './http1.ts';
import { Http1Pool } from './http1-pool.ts';
import { OpenLoopCore } from './open-loop-core.ts';
import { checkStreams, type SlotPool } from './slot-pool.ts';
import { choosePacing, finalSpin, SleepPacer, SpinWindow, type Pacing, type PacingKind } from './pacer.ts';
import { Schedule } from './schedule.ts';
import { SendThread } from './send-thread.ts';
import { ThreadPacedLoop } from './thread-paced.ts';
import { WriterPacedLoop } from './writer-paced.ts';
import { WriterThread } from './writer-thread.ts';

export { epochNowMs } from './http1.ts';

/** spin pacing: closer than this to the next send, the loop turns on setImmediate (timers have 1 ms steps). */
const SPIN_WITHIN_MS = 2;
/** spin pacing: a timer wakes the loop this long before the send, to absorb the timer's own lateness. */
const TIMER_EARLY_MS = 1.5;
const DRAIN_POLL_MS = 5;

export interface OpenLoopRunOptions {
  target: URL;
  rateRps: number;
  connections: number;
  warmupMs: number;
  durationMs: number;
  timeoutMs: number;
  jitter: number;
  /** Worker k of `stride` takes every stride-th slot from `offset` (1 worker: 0 and 1). */
  offset: number;
  stride: number;
  /** Slot 0 on the epoch clock (performance.timeOrigin + performance.now()), shared by workers. */
  startEpochMs: number;
  /** Forces a pacing; by default it is chosen from this worker's rate (choosePacing). */
  pacing?: PacingKind;
  /** sleep pacing: the spin window before each send. */
  spinUs?: number;
  /** sleep pacing: how long to poll after a send before sleeping. */
  pollUs?: number;
  /** The lag P99 past which the run counts as saturated: the writer spins no wider than can keep it. */
  lagLimitUs: number;
  /** h2c and grpc: requests in flight at once per connection (default 1). */
  streamsPerConnection?: number;
  /** tcp: the size of each request and of its echo. */
  messageBytes?: number;
  /** https and h2: the CA and name to trust. */
  trust?: WorkloadTrust;
  signal: AbortSignal;
  /** Handed the core once it exists, so its counts can be read while it runs (live.ts). */
  onCore?: (core: OpenLoopCore) => void;
}

export interface OpenLoopRunResult {
  core: OpenLoopCore;
  pacing: Pacing;
  /** How the pacing went, for the engine's description: the writer's spin windows as used. */
  pacingLabel: string;
}

export async function runOpenLoop(o: OpenLoopRunOptions): Promise<OpenLoopRunResult> {
  o.signal.throwIfAborted();
  const measureStartMs = o.startEpochMs + o.warmupMs;
  const measureEndMs = measureStartMs + o.durationMs;
  const schedule = new Schedule({ rateRps: o.rateRps, startMs: o.startEpochMs, jitter: o.jitter, seed: o.offset + 1, offset: o.offset, stride: o.stride });
  const pacing = choosePacing(o.rateRps / o.stride, o.pacing, o.spinUs, o.pollUs, o.target.protocol);
  const pollMs = pacing.pollUs / 1_000;
  let core!: OpenLoopCore;
  let sender: ThreadPacedLoop | null = null;
  let writer: WriterPacedLoop | null = null;
  const complete: CompleteFn = (c, outcome, nowMs) => {
    sender?.beforeComplete(c, nowMs);
    writer?.beforeComplete(c, nowMs);
    core.complete(c, outcome, nowMs);
    writer?.afterComplete();
  };
  // HTTP/1.1 has its own pool (the pacing threads write its bytes); other protocols a slot pool,
  // whose slots (connections × streams) are the core's "connections": requests in flight at once.
  const streams = o.streamsPerConnection ?? 1;
  // Checked before any pool exists: a pool's timeout sweep would outlive a throw here.
  checkStreams(o.target, streams);
  const http1 =
    o.target.protocol === 'http:' || o.target.protocol === 'https:'
      ? new Http1Pool({ target: o.target, connections: o.connections, timeoutMs: o.timeoutMs, complete, trust: o.trust, beforeClose: (c) => (sender?.beforeClose(c), writer?.beforeClose(c)) })
      : null;
  // Imported only for these protocols: an HTTP/1.1 run, the usual one, does not load node:http2.
  const pool: SlotPool = http1 ?? (await import('./protocol-pools.ts')).openProtocolPool({ target: o.target, connections: o.connections, streamsPerConnection: streams, messageBytes: o.messageBytes ?? 0, timeoutMs: o.timeoutMs, complete, trust: o.trust });
  core = new OpenLoopCore(schedule, o.connections * streams, { measureStartMs, measureEndMs }, (c) => pool.send(c));
  o.onCore?.(core);
  const spin = new SpinWindow(pacing);
  let pacer: SleepPacer | null = null;
  let thread: SendThread | null = null;
  let writerThread: WriterThread | null = null;

  // Outstanding requests get this long after the window to finish before they count as timeouts.
  const drainDeadlineMs = measureEndMs + o.timeoutMs;
  try {
    // choosePacing gives the threads plain HTTP/1.1 targets only, whose pool is http1.
    if (pacing.kind === 'thread') thread = await SendThread.start(http1!.request, pacing.spinUs);
    else if (pacing.kind === 'writer') writerThread = await WriterThread.start(o.connections, http1!.request, pacing.spinUs, o.lagLimitUs);
    else if (pacing.kind !== 'spin') pacer = await SleepPacer.start();
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let nextMs = 0;
      // When the event loop asked to be woken, and whether this is the first turn since.
      let wakeAtMs = 0;
      let justWoken = false;
      let lastSendMs = -Infinity;
      const finish = () => {
        clearTimeout(timer);
        o.signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        clearTimeout(timer);
        pacer?.wakeNow();
        sender?.stop();
        writer?.stop();
        reject(o.signal.reason);
      };
      o.signal.addEventListener('abort', onAbort, { once: true });

      // While draining, look every few ms whether the last responses are in.
      const drain = () => {
        if (o.signal.aborted) return;
        const now = epochNowMs();
        if (core.outstanding === 0 || now >= drainDeadlineMs) return finish();
        timer = setTimeout(drain, Math.min(DRAIN_POLL_MS, drainDeadlineMs - now));
      };
      // sleep pacing, after the wake: poll sockets on setImmediate turns, busy-wait the very end.
      const approach = () => {
        if (o.signal.aborted) return;
        if (justWoken) {
          justWoken = false;
          spin.observe(epochNowMs() - wakeAtMs);
        }
        if (finalSpin(nextMs, epochNowMs)) loop();
        else setImmediate(approach);
      };
      const loop = () => {
        for (;;) {
          if (o.signal.aborted) return;
          const now = epochNowMs();
          const dueBefore = core.nextDue;
          core.due(now);
          if (core.nextDue !== dueBefore) lastSendMs = now;
          if (now >= measureEndMs) return drain();
          nextMs = Math.min(core.nextDue, measureEndMs);
          const waitMs = nextMs - now;
          if (pacer) {
            // Right after a send, poll while the response may come back soon.
            if (core.outstanding > 0 && now - lastSendMs < pollMs && waitMs > spin.ms) return void setImmediate(loop);
            // One promise per wake: the hand-off from the pacing thread is a waitAsync.
            wakeAtMs = nextMs - spin.ms;
            const woken = waitMs > spin.ms ? pacer.sleepUntil(wakeAtMs) : null;
            if (woken) {
              justWoken = true;
              return void woken.then(approach);
            }
            if (!finalSpin(nextMs, epochNowMs)) return void setImmediate(approach);
          } else if (waitMs > SPIN_WITHIN_MS) {
            timer = setTimeout(loop, waitMs - TIMER_EARLY_MS);
            return;
          } else return void setImmediate(loop);
        }
      };
      if (writerThread) {
        writer = new WriterPacedLoop({ core, pool: http1!, thread: writerThread, measureEndMs, signal: o.signal, onWindowEnd: drain });
        writer.start();
      } else if (thread) {
        sender = new ThreadPacedLoop({ core, pool: http1!, thread, measureEndMs, signal: o.signal, onWindowEnd: drain });
        sender.start();
      } else loop();
    });
  } finally {
    // Assigned inside the promise: TypeScript's narrowing does not see it.
    (sender as ThreadPacedLoop | null)?.stop();
    (writer as WriterPacedLoop | null)?.stop();
    core.stopAt(epochNowMs());
    pool.close();
    await pacer?.close();
    await thread?.close();
    await writerThread?.close();
  }
  return { core, pacing, pacingLabel: writerThread ? writerLabel(pacing, (writerThread as WriterThread).window()) : pacing.label };
}

/** The writer's label with the spin windows it used: "writer thread+adaptive spin 20-400µs (used 35 µs mean, 20-60)". */
function writerLabel(pacing: Pacing, w: ReturnType<WriterThread['window']>): string {
  if (w.sends === 0) return pacing.label;
  return `${pacing.label} (used ${Math.round(w.meanUs)}µs mean, ${Math.round(w.minUs)}-${Math.round(w.maxUs)}µs)`;
}
