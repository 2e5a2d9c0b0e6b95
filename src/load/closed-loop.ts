/**
 * Closed loop (`mode: max`), meshbench's own: every connection keeps one request in flight, on
 * the open loop's HTTP/1.1 connections (http1.ts), with µs latency and the open loop's outcome
 * classes. No pacing, so nothing to wait for but sockets. The warmup and the measured window
 * share the connections, so they stay warm; the run ends when the window's last requests are in
 * (or `timeoutMs` after the window, when the rest count as timeouts).
 */
import { ClosedLoopCore } from './closed-loop-core.ts';
import { epochNowMs } from './http1.ts';
import { Http1Pool } from './http1-pool.ts';
import { LiveTicks, type LiveLoad } from './live.ts';
import type { LoadEngine, LoadOutcome, LoadPhase, LoadSpec } from './types.ts';

const DRAIN_POLL_MS = 5;

export class ClosedLoopEngine implements LoadEngine {
  readonly name = 'meshbench closed loop (http/1.1)';
  readonly mode = 'max';

  async run(spec: LoadSpec, target: URL, signal: AbortSignal, tell?: (phase: LoadPhase) => void, onLive?: (live: LiveLoad) => void): Promise<LoadOutcome> {
    signal.throwIfAborted();
    const startMs = epochNowMs();
    const measureStartMs = startMs + spec.warmupMs;
    const measureEndMs = measureStartMs + spec.durationMs;
    let core!: ClosedLoopCore;
    const pool = new Http1Pool({ target, connections: spec.connections, timeoutMs: spec.timeoutMs, complete: (c, outcome, nowMs) => core.complete(c, outcome, nowMs) });
    core = new ClosedLoopCore(spec.connections, { measureStartMs, measureEndMs }, (c) => pool.send(c));
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
      engine: this.name,
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
