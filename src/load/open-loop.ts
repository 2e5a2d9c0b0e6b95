/**
 * Open loop (`mode: rate`): requests at fixed intended times over N keep-alive connections,
 * latency from the intended time (see open-loop-core.ts). This file is the real-time driver: a
 * clock, a pacing loop and undici connections. Each connection reuses one dispatch handler, so
 * the hot path allocates no promise per request.
 */
import { Client, type Dispatcher } from 'undici';
import { classifyError } from './types.ts';
import { OpenLoopCore } from './open-loop-core.ts';
import { Schedule } from './schedule.ts';

/** Closer than this to the next send, the loop spins on setImmediate: timers have 1 ms steps. */
const SPIN_WITHIN_MS = 2;
/** A timer wakes the loop this long before the send, to absorb the timer's own lateness. */
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
  signal: AbortSignal;
}

export interface OpenLoopRunResult {
  core: OpenLoopCore;
}

/** Epoch milliseconds with sub-ms resolution, comparable across worker threads. */
export function epochNowMs(): number {
  return performance.timeOrigin + performance.now();
}

class Connection {
  readonly client: Client;
  private readonly options: Dispatcher.DispatchOptions;
  private readonly handler: Dispatcher.DispatchHandler;
  private status = 0;

  constructor(target: URL, timeoutMs: number, index: number, core: () => OpenLoopCore) {
    this.client = new Client(target.origin, { pipelining: 1, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, keepAliveTimeout: 120_000, connect: { timeout: timeoutMs } });
    this.options = { origin: target.origin, path: `${target.pathname}${target.search}`, method: 'GET', headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
    this.handler = {
      onRequestStart: () => {},
      onResponseStart: (_controller, statusCode) => {
        this.status = statusCode;
      },
      onResponseData: () => {},
      onResponseEnd: () => core().complete(index, this.status, epochNowMs()),
      onResponseError: (_controller, error) => core().complete(index, classifyError(error), epochNowMs()),
    };
  }

  send(): void {
    this.client.dispatch(this.options, this.handler);
  }
}

export async function runOpenLoop(o: OpenLoopRunOptions): Promise<OpenLoopRunResult> {
  o.signal.throwIfAborted();
  const measureStartMs = o.startEpochMs + o.warmupMs;
  const measureEndMs = measureStartMs + o.durationMs;
  const schedule = new Schedule({ rateRps: o.rateRps, startMs: o.startEpochMs, jitter: o.jitter, seed: o.offset + 1, offset: o.offset, stride: o.stride });
  let core!: OpenLoopCore;
  const connections = Array.from({ length: o.connections }, (_, i) => new Connection(o.target, o.timeoutMs, i, () => core));
  core = new OpenLoopCore(schedule, o.connections, { measureStartMs, measureEndMs }, (c) => connections[c]!.send());

  // Outstanding requests get this long after the window to finish before they count as timeouts.
  const drainDeadlineMs = measureEndMs + o.timeoutMs;
  try {
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        clearTimeout(timer);
        o.signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        clearTimeout(timer);
        reject(o.signal.reason);
      };
      o.signal.addEventListener('abort', onAbort, { once: true });
      const loop = () => {
        if (o.signal.aborted) return;
        const now = epochNowMs();
        core.due(now);
        if (now >= measureEndMs && (core.outstanding === 0 || now >= drainDeadlineMs)) return finish();
        // While draining, look every few ms whether the last responses are in.
        const next = now >= measureEndMs ? now + DRAIN_POLL_MS : Math.min(core.nextDue, measureEndMs);
        const waitMs = next - epochNowMs();
        if (waitMs > SPIN_WITHIN_MS) timer = setTimeout(loop, waitMs - TIMER_EARLY_MS);
        else setImmediate(loop);
      };
      loop();
    });
  } finally {
    core.stop(o.timeoutMs);
    await Promise.all(connections.map((c) => c.client.destroy().catch(() => {})));
  }
  return { core };
}
