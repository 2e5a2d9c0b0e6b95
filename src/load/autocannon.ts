/**
 * Closed loop (`mode: max`): autocannon keeps every connection busy to find the maximum rate.
 * Latency is recorded here in integer µs from autocannon's `response` event (its hrtime-based
 * duration); autocannon's own millisecond histogram and its coordinated-omission "correction"
 * are not used. Warmup and measurement share one autocannon run, so connections stay warm; only
 * responses and failures that complete inside the measured window count. A failure is timed from
 * its request's send (autocannon's `reqError` carries no time, so each client's own `request`,
 * `timeout` and `connError` events are watched), so all-attempts percentiles see every timeout.
 */
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import { createLatencyHistogram, recordLatencyUs } from '../results/histogram.ts';
import type { ErrorClass } from '../results/model.ts';
import { LiveTicks, type LiveLoad } from './live.ts';
import { classifyError, emptyErrorCounts, type LoadEngine, type LoadOutcome, type LoadPhase, type LoadSpec } from './types.ts';

/** How often autocannon looks at its stop flag; its default (1 s) would overrun the window. */
const SAMPLE_INTERVAL_MS = 100;

export class AutocannonEngine implements LoadEngine {
  readonly name = `autocannon ${autocannonVersion()}`;
  readonly mode = 'max';

  run(spec: LoadSpec, target: URL, signal: AbortSignal, tell?: (phase: LoadPhase) => void, onLive?: (live: LiveLoad) => void): Promise<LoadOutcome> {
    signal.throwIfAborted();
    const ok = createLatencyHistogram();
    const non2xx = createLatencyHistogram();
    const error = createLatencyHistogram();
    const errorsByClass = emptyErrorCounts();
    let measuring = false;
    let windowStart = 0;
    let windowEnd = Infinity;
    const ticks = new LiveTicks(() => ({ responses2xx: ok.totalCount, failed: non2xx.totalCount + Object.values(errorsByClass).reduce((a, b) => a + b, 0) }), onLive);
    const onPhase = (phase: LoadPhase) => {
      ticks.phase(phase);
      tell?.(phase);
    };

    return new Promise<LoadOutcome>((resolve, reject) => {
      const instance = autocannon(
        {
          url: target.href,
          connections: spec.connections,
          // A safety bound only: the window below ends the run.
          duration: (spec.warmupMs + spec.durationMs) / 1_000 + 5,
          timeout: Math.max(1, Math.ceil(spec.timeoutMs / 1_000)),
          sampleInt: SAMPLE_INTERVAL_MS,
          setupClient: (client) => watchFailures(client, (errorClass, sentAtMs) => {
            const now = performance.now();
            if (!measuring || now > windowEnd) return;
            errorsByClass[errorClass]++;
            // No send time known (not expected with one request per connection): counted, not timed.
            if (sentAtMs !== undefined) recordLatencyUs(error, (now - sentAtMs) * 1_000);
          }),
        },
        (err) => {
          clearTimeout(phaseTimer);
          ticks.stop();
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) return reject(signal.reason);
          if (err) return reject(err);
          const durationMs = Math.min(windowEnd, performance.now()) - windowStart;
          const attempts = ok.totalCount + non2xx.totalCount + Object.values(errorsByClass).reduce((a, b) => a + b, 0);
          resolve({
            engine: this.name,
            ok,
            non2xx,
            // From each failed request's send: there is no intended time in closed loop.
            error,
            uncorrected: null,
            schedulerLag: null,
            errorsByClass,
            durationMs,
            targetRps: null,
            achievedRps: durationMs > 0 ? (ok.totalCount * 1_000) / durationMs : 0,
            // autocannon tells no send events; every attempt that ended in the window was sent in it.
            sentRps: durationMs > 0 ? (attempts * 1_000) / durationMs : 0,
            scheduledRequests: attempts,
            loaderSaturated: false,
          });
        },
      );

      instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
        if (!measuring) return;
        const now = performance.now();
        if (now > windowEnd) return;
        recordLatencyUs(statusCode >= 200 && statusCode < 300 ? ok : non2xx, responseTimeMs * 1_000);
      });

      const startMeasuring = () => {
        measuring = true;
        windowStart = performance.now();
        windowEnd = windowStart + spec.durationMs;
        onPhase('measure');
        phaseTimer = setTimeout(() => {
          onPhase('drain');
          instance.stop();
        }, spec.durationMs);
      };
      onPhase('warmup');
      let phaseTimer = spec.warmupMs > 0 ? setTimeout(startMeasuring, spec.warmupMs) : undefined;
      if (spec.warmupMs <= 0) startMeasuring();

      const onAbort = () => instance.stop();
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/**
 * Calls `failed` for each failed request of one autocannon client, with the time it was sent.
 * autocannon sends one request at a time per connection (pipelining 1, its default and ours), and
 * its events come in a known order: a `response` settles what was sent (its next request follows
 * it); a `timeout` comes after the client has reconnected and sent the next request (the failed one
 * is the one before); a `connError` comes before it reconnects (the failed one is the last sent).
 */
function watchFailures(client: autocannon.Client, failed: (errorClass: ErrorClass, sentAtMs: number | undefined) => void): void {
  // @types/autocannon declares only a client's headers/body/response events; lib/httpClient.js
  // (9.0.0) emits these others as well.
  const events: EventEmitter = client;
  let sentAtMs: number[] = [];
  events.on('request', () => sentAtMs.push(performance.now()));
  events.on('response', () => (sentAtMs = []));
  events.on('timeout', () => {
    failed('timeout', sentAtMs.at(-2));
    sentAtMs = sentAtMs.slice(-1);
  });
  events.on('connError', (cause: unknown) => {
    failed(classifyError(cause), sentAtMs.at(-1));
    sentAtMs = [];
  });
}

function autocannonVersion(): string {
  return (createRequire(import.meta.url)('autocannon/package.json') as { version: string }).version;
}
