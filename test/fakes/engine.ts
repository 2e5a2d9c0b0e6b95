/** A load engine that answers at once with fixed figures, or fails, or waits to be aborted, or says it fell behind. */
import type { LiveLoad, LoadEngine, LoadOutcome, LoadPhase, LoadSpec } from '../../src/load/types.ts';
import { emptyErrorCounts } from '../../src/load/types.ts';
import { createLatencyHistogram, recordLatencyUs } from '../../src/results/histogram.ts';

export type FakeBehaviour = 'ok' | 'fail' | 'hang' | 'errors' | 'late';

export class FakeEngine implements LoadEngine {
  readonly name = 'fake engine';
  readonly mode = 'max';
  /** What the n-th run (0-based) does; 'ok' when not set. */
  behaviour = new Map<number, FakeBehaviour>();
  runs = 0;
  /** Called when a run starts waiting to be aborted. */
  onHang: () => void = () => {};

  /** What every run tells once measuring, as a live tick. */
  live: LiveLoad = { responses2xx: 40, failed: 1, elapsedMs: 400 };

  async run(spec: LoadSpec, target: URL, signal: AbortSignal, onPhase?: (phase: LoadPhase) => void, onLive?: (live: LiveLoad) => void): Promise<LoadOutcome> {
    const n = this.runs++;
    const what = this.behaviour.get(n) ?? 'ok';
    onPhase?.('warmup');
    onPhase?.('measure');
    onLive?.(this.live);
    if (what === 'fail') throw new Error(`fake load failure on ${target.href}`);
    if (what === 'hang') {
      await new Promise((_, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        this.onHang();
      });
    }
    onPhase?.('drain');
    const ok = createLatencyHistogram();
    for (let i = 0; i < 100; i++) recordLatencyUs(ok, 100 + i);
    const errorsByClass = emptyErrorCounts();
    if (what === 'errors') errorsByClass.timeout = 50;
    return { engine: this.name, ok, non2xx: createLatencyHistogram(), error: createLatencyHistogram(), uncorrected: null, schedulerLag: null, errorsByClass, durationMs: spec.durationMs, targetRps: spec.targetRps, achievedRps: 100, sentRps: 100, scheduledRequests: 100 + errorsByClass.timeout, loaderSaturated: what === 'late' };
  }
}
