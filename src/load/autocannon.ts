/**
 * Closed loop (`mode: max`): autocannon keeps every connection busy to find the maximum rate.
 * Latency is recorded here in integer µs from autocannon's `response` event (its hrtime-based
 * duration); autocannon's own millisecond histogram and its coordinated-omission "correction"
 * are not used. Warmup and measurement share one autocannon run, so connections stay warm; only
 * responses that complete inside the measured window count.
 */
import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import { createLatencyHistogram, recordLatencyUs } from '../results/histogram.ts';
import { classifyError, emptyErrorCounts, type LoadEngine, type LoadOutcome, type LoadPhase, type LoadSpec } from './types.ts';

/** How often autocannon looks at its stop flag; its default (1 s) would overrun the window. */
const SAMPLE_INTERVAL_MS = 100;

export class AutocannonEngine implements LoadEngine {
  readonly name = `autocannon ${autocannonVersion()}`;
  readonly mode = 'max';

  run(spec: LoadSpec, target: URL, signal: AbortSignal, onPhase?: (phase: LoadPhase) => void): Promise<LoadOutcome> {
    signal.throwIfAborted();
    const ok = createLatencyHistogram();
    const non2xx = createLatencyHistogram();
    const errorsByClass = emptyErrorCounts();
    let measuring = false;
    let windowStart = 0;
    let windowEnd = Infinity;

    return new Promise<LoadOutcome>((resolve, reject) => {
      const instance = autocannon(
        {
          url: target.href,
          connections: spec.connections,
          // A safety bound only: the window below ends the run.
          duration: (spec.warmupMs + spec.durationMs) / 1_000 + 5,
          timeout: Math.max(1, Math.ceil(spec.timeoutMs / 1_000)),
          sampleInt: SAMPLE_INTERVAL_MS,
        },
        (err) => {
          clearTimeout(phaseTimer);
          signal.removeEventListener('abort', onAbort);
          if (signal.aborted) return reject(signal.reason);
          if (err) return reject(err);
          const durationMs = Math.min(windowEnd, performance.now()) - windowStart;
          const attempts = ok.totalCount + non2xx.totalCount + Object.values(errorsByClass).reduce((a, b) => a + b, 0);
          resolve({
            engine: this.name,
            ok,
            non2xx,
            // autocannon reports errors without timing; there is no intended time in closed loop.
            error: createLatencyHistogram(),
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
      instance.on('reqError', (error: unknown) => {
        if (measuring && performance.now() <= windowEnd) errorsByClass[classifyError(error)]++;
      });

      const startMeasuring = () => {
        measuring = true;
        windowStart = performance.now();
        windowEnd = windowStart + spec.durationMs;
        onPhase?.('measure');
        phaseTimer = setTimeout(() => {
          onPhase?.('drain');
          instance.stop();
        }, spec.durationMs);
      };
      onPhase?.('warmup');
      let phaseTimer = spec.warmupMs > 0 ? setTimeout(startMeasuring, spec.warmupMs) : undefined;
      if (spec.warmupMs <= 0) startMeasuring();

      const onAbort = () => instance.stop();
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function autocannonVersion(): string {
  return (createRequire(import.meta.url)('autocannon/package.json') as { version: string }).version;
}
