/**
 * The open-loop LoadEngine: one run in this thread, or `workers` worker threads that split the
 * rate and the connections and interleave their slots so the whole schedule stays even. Worker
 * histograms are merged exactly (encode, decode, add), never by averaging percentiles.
 * Each worker keeps its own connections and its own wait queue: a request due in one worker never
 * takes another worker's idle connection, so W workers over C connections queue more than one
 * worker over the same C would (W pools of C/W). Use more workers only for rates one cannot pace.
 */
import { Worker } from 'node:worker_threads';
import { decodeHistogram, mergeHistograms, type Histogram } from '../results/histogram.ts';
import type { ErrorClass } from '../results/model.ts';
import { LiveTicks, type LiveCounts, type LiveLoad } from './live.ts';
import type { OpenLoopCore } from './open-loop-core.ts';
import { epochNowMs, runOpenLoop } from './open-loop.ts';
import type { WorkerInput, WorkerLive, WorkerOutput } from './open-loop-worker.ts';
import { choosePacing, type PacingKind } from './pacer.ts';
import { checkStreams, protocolLabel } from './slot-pool.ts';
import { checkTlsTarget } from './tls-check.ts';
import { emptyErrorCounts, type LoadEngine, type LoadOutcome, type LoadPhase, type LoadSpec } from './types.ts';

/** By default the loader fell behind when it noticed due requests this late at P99. */
export const SCHEDULER_LAG_P99_LIMIT_US = 1_000;
/** Time for workers to start and connect before slot 0. */
const START_DELAY_MS = 50;

export interface OpenLoopEngineOptions {
  workers?: number;
  /** Uniform jitter as a fraction of the interval (0: evenly spaced). */
  jitter?: number;
  /** Scheduler lag P99 above which the loader counts as saturated. */
  lagLimitUs?: number;
  /** Forces a pacing (benchmarks compare them); by default chosen per worker rate, see pacer.ts. */
  pacing?: PacingKind;
  /** sleep pacing: the spin window before each send, µs. */
  spinUs?: number;
  /** sleep pacing: how long the event loop polls after each send before it sleeps, µs. */
  pollUs?: number;
  /**
   * Distributed load: this loader is part `index` of `count` (pods of an Indexed Job). It takes
   * every count-th slot of the whole schedule, so the parts together keep one even schedule, and
   * reports its own share (targetRps = rate / count). Default: the whole schedule.
   */
  share?: { index: number; count: number };
  /** Slot 0 on the epoch clock, shared by every part; default: 50 ms from now. */
  startEpochMs?: number;
  /** h2c and grpc: requests in flight at once per connection (default 1). */
  streamsPerConnection?: number;
  /** tcp: the size of each request and of its echo. */
  messageBytes?: number;
}

interface Merged {
  ok: Histogram;
  non2xx: Histogram;
  error: Histogram;
  uncorrected: Histogram;
  schedulerLag: Histogram;
  errorsByClass: Record<ErrorClass, number>;
  sentInWindow: number;
  scheduledInWindow: number;
  /** How each worker's pacing went (the writer's spin windows), when it says more than its name. */
  pacingLabels: string[];
}

export class OpenLoopEngine implements LoadEngine {
  readonly mode = 'rate';
  readonly name: string;
  private readonly workers: number;
  private readonly jitter: number;
  private readonly lagLimitUs: number;
  private readonly pacing: PacingKind | undefined;
  private readonly spinUs: number | undefined;
  private readonly pollUs: number | undefined;
  private readonly share: { index: number; count: number };
  private readonly startEpochMs: number | undefined;
  private readonly streamsPerConnection: number;
  private readonly messageBytes: number | undefined;

  constructor(o: OpenLoopEngineOptions = {}) {
    this.workers = o.workers ?? 1;
    this.jitter = o.jitter ?? 0;
    this.lagLimitUs = o.lagLimitUs ?? SCHEDULER_LAG_P99_LIMIT_US;
    this.pacing = o.pacing;
    this.spinUs = o.spinUs;
    this.pollUs = o.pollUs;
    this.share = o.share ?? { index: 0, count: 1 };
    this.startEpochMs = o.startEpochMs;
    this.streamsPerConnection = o.streamsPerConnection ?? 1;
    this.messageBytes = o.messageBytes;
    this.name = `meshbench open loop (${this.workers} worker${this.workers === 1 ? '' : 's'})`;
  }

  /** The engine as a result names it: workers and the pacing chosen for this rate (and target's protocol). */
  describe(targetRps: number, protocol = 'http:', tls?: string): string {
    const pacing = choosePacing(targetRps / this.workers / this.share.count, this.pacing, this.spinUs, this.pollUs, protocol);
    return this.named(pacing.label, protocol, tls);
  }

  private named(pacingLabel: string, scheme: string, tls?: string): string {
    return `meshbench open loop (${protocolLabel(scheme, this.streamsPerConnection, tls)}, ${this.workers} worker${this.workers === 1 ? '' : 's'}, pacing: ${pacingLabel})`;
  }

  async run(spec: LoadSpec, target: URL, signal: AbortSignal, onPhase?: (phase: LoadPhase) => void, onLive?: (live: LiveLoad) => void): Promise<LoadOutcome> {
    if (spec.targetRps === null) throw new RangeError('the open-loop engine needs a target rate');
    checkStreams(target, this.streamsPerConnection);
    // Before the schedule is set: a certificate the loader does not trust ends the run here, clearly.
    const tls = await checkTlsTarget(target, spec.trust);
    const startEpochMs = this.startEpochMs ?? epochNowMs() + START_DELAY_MS;
    const startInMs = startEpochMs - epochNowMs();
    const told = { phase: 'warmup' as LoadPhase };
    // The running counts: this thread's core, or each worker's latest report.
    const soFar: { core?: OpenLoopCore; workers: LiveCounts[] } = { workers: [] };
    const ticks = new LiveTicks(() => soFar.core?.soFar() ?? sumCounts(soFar.workers), onLive);
    const say = (phase: LoadPhase) => {
      told.phase = phase;
      ticks.phase(phase);
      onPhase?.(phase);
    };
    say('warmup');
    const phaseTimers = [
      setTimeout(() => say('measure'), startInMs + spec.warmupMs),
      setTimeout(() => say('drain'), startInMs + spec.warmupMs + spec.durationMs),
    ];
    try {
      const base = { rateRps: spec.targetRps, warmupMs: spec.warmupMs, durationMs: spec.durationMs, timeoutMs: spec.timeoutMs, jitter: this.jitter, startEpochMs, pacing: this.pacing, spinUs: this.spinUs, pollUs: this.pollUs, lagLimitUs: this.lagLimitUs, streamsPerConnection: this.streamsPerConnection, messageBytes: this.messageBytes, trust: spec.trust };
      const merged = this.workers === 1 ? await this.runHere({ ...base, onCore: (c) => (soFar.core = c) }, spec.connections, target, signal) : await this.runInWorkers(base, spec.connections, target, signal, soFar.workers);
      // The loop ends at the window's end when nothing is outstanding, which can beat the drain
      // timer set for that same instant: a finished run's window is over, so say so before the
      // timers are cleared (collectors close their window on 'drain').
      if (told.phase === 'warmup') say('measure');
      if (told.phase === 'measure') say('drain');
      const { sentInWindow, scheduledInWindow, pacingLabels, ...histograms } = merged;
      return {
        engine: pacingLabels.length ? this.named(pacingLabels.join('; '), target.protocol, tls) : this.describe(spec.targetRps, target.protocol, tls),
        ...histograms,
        durationMs: spec.durationMs,
        targetRps: spec.targetRps / this.share.count,
        // Judged by intended time: a request intended in the window counts when its 2xx arrives,
        // in the window or in the drain after it.
        achievedRps: (histograms.ok.totalCount * 1_000) / spec.durationMs,
        sentRps: (sentInWindow * 1_000) / spec.durationMs,
        scheduledRequests: scheduledInWindow,
        loaderSaturated: merged.schedulerLag.totalCount > 0 && merged.schedulerLag.getValueAtPercentile(99) > this.lagLimitUs,
      };
    } finally {
      phaseTimers.forEach(clearTimeout);
      ticks.stop();
    }
  }

  private async runHere(base: Omit<WorkerInput, 'target' | 'connections' | 'offset' | 'stride'> & { onCore: (core: OpenLoopCore) => void }, connections: number, target: URL, signal: AbortSignal): Promise<Merged> {
    const { core, pacingLabel } = await runOpenLoop({ ...base, connections, offset: this.share.index, stride: this.share.count, target, signal });
    const h = core.histograms;
    return { ok: h.ok, non2xx: h.non2xx, error: h.error, uncorrected: h.uncorrected, schedulerLag: h.schedulerLag, errorsByClass: core.errorsByClass, sentInWindow: core.sentInWindow, scheduledInWindow: core.scheduledInWindow, pacingLabels: [pacingLabel] };
  }

  /** `live` gets each worker's latest counts, at its index. */
  private async runInWorkers(base: Omit<WorkerInput, 'target' | 'connections' | 'offset' | 'stride'>, connections: number, target: URL, signal: AbortSignal, live: LiveCounts[]): Promise<Merged> {
    const n = this.workers;
    live.push(...Array.from({ length: n }, () => ({ responses2xx: 0, failed: 0 })));
    const threads = Array.from({ length: n }, (_, k) => {
      const input: WorkerInput = {
        ...base,
        target: target.href,
        // Connections split as evenly as they go; slots interleave over parts and workers: worker k
        // of part i takes slot i + k × parts, then every (parts × workers)-th.
        connections: Math.floor(connections / n) + (k < connections % n ? 1 : 0),
        offset: this.share.index + k * this.share.count,
        stride: n * this.share.count,
      };
      return new Worker(new URL('./open-loop-worker.ts', import.meta.url), { workerData: input });
    });
    const onAbort = () => threads.forEach((t) => t.postMessage('abort'));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const outputs = await Promise.all(
        threads.map(
          (t, k) =>
            new Promise<WorkerOutput>((resolve, reject) => {
              t.on('message', (m: WorkerOutput | WorkerLive) => {
                if ('live' in m) live[k] = m.live;
                else resolve(m);
              });
              t.once('error', reject);
              t.once('exit', (code) => reject(signal.aborted ? signal.reason : new Error(`load worker exited with code ${code}`)));
            }),
        ),
      );
      const merge = (key: keyof WorkerOutput['histograms']): Histogram => mergeHistograms(outputs.map((o) => decodeHistogram(o.histograms[key])));
      const errorsByClass = emptyErrorCounts();
      for (const o of outputs) for (const [k, v] of Object.entries(o.errorsByClass)) errorsByClass[k as ErrorClass] += v;
      const sentInWindow = outputs.reduce((sum, o) => sum + o.sentInWindow, 0);
      const scheduledInWindow = outputs.reduce((sum, o) => sum + o.scheduledInWindow, 0);
      return { ok: merge('ok'), non2xx: merge('non2xx'), error: merge('error'), uncorrected: merge('uncorrected'), schedulerLag: merge('schedulerLag'), errorsByClass, sentInWindow, scheduledInWindow, pacingLabels: outputs.map((o) => o.pacingLabel) };
    } finally {
      signal.removeEventListener('abort', onAbort);
      await Promise.all(threads.map((t) => t.terminate()));
    }
  }
}

function sumCounts(parts: readonly LiveCounts[]): LiveCounts {
  let responses2xx = 0;
  let failed = 0;
  for (const p of parts) {
    responses2xx += p.responses2xx;
    failed += p.failed;
  }
  return { responses2xx, failed };
}
