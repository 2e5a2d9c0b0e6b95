/** A bandwidth run for tests of what reads results: fakeRun's trials, turned into byte counts. */
import type { ResourceUsage } from '../../src/collectors/types.ts';
import { createLatencyHistogram, encodeHistogram, summarize } from '../../src/results/histogram.ts';
import type { BandwidthCounts, MeasuredTrial, RunResult } from '../../src/results/model.ts';
import { fakeRun } from './results.ts';

export interface FakeBandwidth {
  /** Bits per second the sink received over a 2 s window; null: the sink could not be read. */
  receivedBps: number | null;
  sentBps?: number;
  resources?: ResourceUsage[];
  status?: 'valid' | 'invalid';
}

const WINDOW_US = 2_000_000;

export function bandwidthCounts(receivedBps: number | null, sentBps = receivedBps ?? 0): BandwidthCounts {
  const bytes = (bps: number) => (bps * WINDOW_US) / 1e6 / 8;
  return {
    connections: 4,
    sentBytes: bytes(sentBps),
    sentWindowUs: WINDOW_US,
    receivedBytes: receivedBps === null ? null : bytes(receivedBps),
    receivedWindowUs: receivedBps === null ? null : WINDOW_US,
    totalSentBytes: bytes(sentBps) * 2,
    totalReceivedBytes: receivedBps === null ? null : bytes(sentBps) * 2,
  };
}

export function fakeBandwidthRun(figures: (mesh: string, repetition: number) => FakeBandwidth, overrides: Record<string, unknown> = {}): RunResult {
  const run = fakeRun(() => ({ latenciesUs: [], achievedRps: 0 }), { workload: { protocol: 'tcp' }, load: { mode: 'bandwidth', connections: 4 }, ...overrides });
  const empty = createLatencyHistogram();
  run.trials = run.trials.map((t) => {
    const m = t as MeasuredTrial;
    const f = figures(m.trial.mesh, m.trial.repetition);
    return {
      ...m,
      status: f.status ?? 'valid',
      reasons: f.status === 'invalid' ? ['made invalid by the test'] : [],
      load: { ...m.load, mode: 'bandwidth', engine: 'meshbench bandwidth (tcp)', requests: 0, responses2xx: 0, achievedRps: 0, sentRps: 0, bandwidth: bandwidthCounts(f.receivedBps, f.sentBps) },
      latency: summarize(empty),
      allAttemptsLatency: summarize(empty),
      resources: f.resources ?? [],
      histograms: { ...m.histograms, latencyUs: encodeHistogram(empty) },
    };
  });
  return run;
}
