/**
 * Closed loop (`mode: max`), meshbench's own: every connection (h2c, grpc: every stream of it)
 * keeps one request in flight, on the open loop's connections (http1.ts, slot-pool.ts), with µs latency and the open loop's outcome
 * classes. No pacing, so nothing to wait for but sockets. The warmup and the measured window
 * share the connections, so they stay warm; the run ends when the window's last requests are in
 * (or `timeoutMs` after the window, when the rest count as timeouts).
 */
import { ClosedLoopCore } from './closed-loop-core.ts';
import { epochNowMs, type CompleteFn } from './http1.ts';
import { checkStreams, protocolLabel, type SlotPool } from './slot-pool.ts';
import { checkTlsTarget } from './tls-check.ts';
import { Http1Pool } from './http1-pool.ts';
import { LiveTicks, type LiveLoad } from './live.ts';
import type { LoadEngine, LoadOutcome, LoadPhase, LoadSpec } from './types.ts';

const DRAIN_POLL_MS = 5;

export interface ClosedLoopEngineOptions {
  /** h2c and grpc: requests in flight at once per connection (default 1). */
  streamsPerConnection?: number;
  /** tcp: the size of each request and of its echo. */
  messageBytes?: number;
}

export class ClosedLoopEngine implements LoadEngine {
  readonly name = 'meshbench closed loop (http/1.1)';
  readonly mode = 'max';
  private readonly streams: number;
  private readonly messageBytes: number;

  constructor(o: ClosedLoopEngineOptions = {}) {
    this.streams = o.streamsPerConnection ?? 1;
    this.messageBytes = o.messageBytes ?? 0;
  }

  async run(spec: LoadSpec, target: URL, signal: AbortSignal, tell?: (phase: LoadPhase) => void, onLive?: (live: LiveLoad) => void): Promise<LoadOutcome> {
    signal.throwIfAborted();
    checkStreams(target, this.streams);
    // Before the clock starts: a certificate the loader does not trust ends the run here, clearly.
    const tls = await checkTlsTarget(target, spec.trust);
    const startMs = epochNowMs();
    const measureStartMs = startMs + spec.warmupMs;
    const measureEndMs = measureStartMs + spec.durationMs;
    let core!: ClosedLoopCore;
    const complete: CompleteFn = (c, outcome, nowMs) => core.complete(c, outcome, nowMs);
    // Every slot (connection × stream) keeps one request in flight; HTTP/1.1 and tcp have one per connection.
    const pool: SlotPool =
      target.protocol === 'http:' || target.protocol === 'https:'
        ? new Http1Pool({ target, connections: spec.connections, timeoutMs: spec.timeoutMs, complete, trust: spec.trust })
        : (await import('./protocol-pools.ts')).openProtocolPool({ target, connections: spec.connections, streamsPerConnection: this.streams, messageBytes: this.messageBytes, timeoutMs: spec.timeoutMs, complete, trust: spec.trust });
    core = new ClosedLoopCore(spec.connections * this.streams, { measureStartMs, measureEndMs }, (c) => pool.send(c));
    const timers: NodeJS.Timeout[] = [];
    const ticks = new LiveTicks(() => core.soFar(), onLive);
    const onPhase = (phase: LoadPhase) => {
      ticks.phase(phase);
      tell?.(phase);
    };
    try {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        const drain = () => {
          if (signal.aborted) return;
          if (core.outstanding === 0 || epochNowMs() >= measureEndMs + spec.timeoutMs) {
            signal.removeEventListener('abort', onAbort);
            return resolve();
          }
          timers.push(setTimeout(drain, DRAIN_POLL_MS));
        };
        onPhase('warmup');
        if (spec.warmupMs > 0) timers.push(setTimeout(() => onPhase('measure'), spec.warmupMs));
        else onPhase('measure');
        timers.push(
          setTimeout(() => {
            onPhase('drain');
            drain();
          }, measureEndMs - epochNowMs()),
        );
        core.start(epochNowMs());
      });
    } finally {
      timers.forEach(clearTimeout);
      ticks.stop();
      core.stop(spec.timeoutMs);
      pool.close();
    }
    const h = core.histograms;
    const seconds = spec.durationMs / 1_000;
    return {
      engine: `meshbench closed loop (${protocolLabel(target.protocol, this.streams, tls)})`,
      ok: h.ok,
      non2xx: h.non2xx,
      error: h.error,
      // A closed loop times from the actual send: there is no other latency, and no schedule.
      uncorrected: null,
      schedulerLag: null,
      errorsByClass: core.errorsByClass,
      durationMs: spec.durationMs,
      targetRps: null,
      achievedRps: h.ok.totalCount / seconds,
      sentRps: core.sentInWindow / seconds,
      scheduledRequests: core.sentInWindow,
      loaderSaturated: false,
    };
  }
}
