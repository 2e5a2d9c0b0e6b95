/** Builders of result objects for tests of code that reads results (overhead, reports). */
import type { ResourceUsage } from '../../src/collectors/types.ts';
import { createLatencyHistogram, encodeHistogram, recordLatencyUs, summarize } from '../../src/results/histogram.ts';
import { SCHEMA_VERSION, type MeasuredTrial, type RunResult } from '../../src/results/model.ts';
import { expandPlan, loadLevels } from '../../src/scenario/plan.ts';
import { resolveScenario } from '../../src/scenario/resolve.ts';
import { ScenarioSchema } from '../../src/scenario/schema.ts';

export interface FakeTrialFigures {
  latenciesUs: number[];
  achievedRps: number;
  status?: 'valid' | 'invalid';
  resources?: ResourceUsage[];
}

/** A completed run of `none, istio, appmesh` × repetitions whose trials have the given figures. */
export function fakeRun(figures: (mesh: string, repetition: number) => FakeTrialFigures, overrides: Record<string, unknown> = {}): RunResult {
  const scenario = resolveScenario(ScenarioSchema.parse({ name: 'fake', repetitions: 3, ...overrides }));
  const trials = expandPlan(scenario).map((trial): MeasuredTrial => {
    const f = figures(trial.mesh, trial.repetition);
    const h = createLatencyHistogram();
    for (const v of f.latenciesUs) recordLatencyUs(h, v);
    return {
      status: f.status ?? 'valid',
      reasons: f.status === 'invalid' ? ['made invalid by the test'] : [],
      trial,
      mesh: trial.mesh,
      meshLabel: `${trial.mesh} (fake)`,
      startedAt: '2026-11-22T00:00:00.000Z',
      load: {
        mode: 'max',
        engine: 'fake',
        requests: f.latenciesUs.length,
        responses2xx: f.latenciesUs.length,
        responsesNon2xx: 0,
        errors: 0,
        errorsByClass: { timeout: 0, refused: 0, reset: 0, other: 0 },
        durationMs: 1000,
        targetRps: null,
        achievedRps: f.achievedRps,
        sentRps: f.achievedRps,
        clampedLatencies: 0,
      },
      latency: summarize(h),
      allAttemptsLatency: summarize(h),
      windowStartedAt: '2026-11-22T00:00:02.000Z',
      uncorrectedLatency: null,
      schedulerLag: null,
      resources: f.resources ?? [],
      histograms: { latencyUs: encodeHistogram(h), non2xxLatencyUs: encodeHistogram(createLatencyHistogram()), errorLatencyUs: encodeHistogram(createLatencyHistogram()), uncorrectedLatencyUs: null, schedulerLagUs: null },
    };
  });
  return {
    schemaVersion: SCHEMA_VERSION,
    source: { kind: 'measured' },
    gate: null,
    meshbenchVersion: '0.0.0-test',
    runId: 'fake-run',
    status: 'completed',
    startedAt: '2026-11-22T00:00:00.000Z',
    finishedAt: '2026-11-22T00:01:00.000Z',
    scenarioFile: 'fake.yaml',
    scenarioHash: '0',
    scenario,
    environment: { platform: 'local', layout: 'loopback', hostname: 'h', os: 'Linux', kernel: 'k', cpuModel: 'cpu', cpuCount: 2, memoryBytes: 1, node: 'v24', components: { haproxy: '2.6.12' }, caveats: [] },
    levels: loadLevels(scenario),
    plannedTrials: trials.length,
    trials,
  };
}

/** n identical latencies. */
export const constant = (us: number, n = 100): number[] => Array.from({ length: n }, () => us);
