/**
 * The redline figures and gates, from result data: the run's own schedule chooses every step, and
 * each step's figures come from a capacity per mesh (a step holds when its rate is at or under it),
 * so the searches, their replay from result.json, the intervals and the gates are all exercised
 * without a machine's noise. The searches against real targets are in test/e2e/redline-*.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLatencyHistogram, encodeHistogram, recordLatencyUs, summarize } from '../../src/results/histogram.ts';
import { SCHEMA_VERSION, type MeasuredTrial, type RunResult } from '../../src/results/model.ts';
import { meshRedlines, redlineSearches } from '../../src/results/redline.ts';
import { crossMeshDecisions } from '../../src/results/decision.ts';
import { evaluateGates } from '../../src/results/compare/compare.ts';
import { trialSamples } from '../../src/results/compare/samples.ts';
import { parseGate } from '../../src/scenario/gates.ts';
import { resolveScenario } from '../../src/scenario/resolve.ts';
import { ScenarioSchema } from '../../src/scenario/schema.ts';
import type { Trial } from '../../src/scenario/plan.ts';
import { redlineSchedule } from '../../src/run/redline-schedule.ts';
import { judgedCells } from '../../src/results/coverage.ts';

interface Behaviour {
  capacityRps: number;
  /** The loader falls behind at and above this rate. */
  loaderLimitRps?: number;
}

function step(trial: Trial, b: Behaviour): MeasuredTrial {
  const rate = trial.level.targetRps!;
  const h = createLatencyHistogram();
  const latencyUs = rate <= b.capacityRps ? 10_000 : 400_000;
  for (let i = 0; i < 100; i++) recordLatencyUs(h, latencyUs);
  const loaderBehind = b.loaderLimitRps !== undefined && rate >= b.loaderLimitRps;
  const reasons = loaderBehind ? ['the load generator fell behind its schedule (scheduler lag P99 over load.schedulerLagLimit): its own delay is in the latency'] : [];
  return {
    status: reasons.length ? 'invalid' : 'valid',
    reasons,
    trial,
    mesh: trial.mesh,
    meshLabel: trial.mesh,
    startedAt: '2026-12-07T00:00:00.000Z',
    load: { mode: 'rate', engine: 'test', requests: rate, responses2xx: rate, responsesNon2xx: 0, errors: 0, errorsByClass: { timeout: 0, refused: 0, reset: 0, other: 0 }, durationMs: 1000, targetRps: rate, achievedRps: rate, sentRps: rate, clampedLatencies: 0 },
    latency: summarize(h),
    allAttemptsLatency: summarize(h),
    windowStartedAt: null,
    uncorrectedLatency: null,
    schedulerLag: null,
    resources: [{ pod: 'workload', container: 'sidecar-inbound', role: 'sidecar', cpuCores: rate / 2000, cpuCoresMax: rate / 2000, memoryBytesAvg: 1, memoryBytesMax: 1 } as MeasuredTrial['resources'][number]],
    histograms: { latencyUs: encodeHistogram(h), non2xxLatencyUs: encodeHistogram(createLatencyHistogram()), errorLatencyUs: encodeHistogram(createLatencyHistogram()), uncorrectedLatencyUs: null, schedulerLagUs: null },
  };
}

/** A whole redline run, each step chosen by the run's own schedule. */
function redlineRun(behaviour: Record<string, Behaviour>, repetitions: number, gates: string[] = []): RunResult {
  const scenario = resolveScenario(ScenarioSchema.parse({ name: 'r', meshes: Object.keys(behaviour), repetitions, gates, load: { mode: 'redline', connections: 16, redline: { p99: '50ms', min: 50, max: 5000 } } }));
  const result: RunResult = {
    schemaVersion: SCHEMA_VERSION, source: { kind: 'measured' }, gate: null, meshbenchVersion: 't', runId: 'r', status: 'completed', startedAt: '', finishedAt: '', scenarioFile: 'r.yaml', scenarioHash: '0', scenario,
    environment: { platform: 'local', layout: 'loopback', hostname: 'h', os: 'Linux', kernel: 'k', cpuModel: 'c', cpuCount: 2, memoryBytes: 1, node: 'v24', components: {}, caveats: [] },
    levels: [], plannedTrials: 0, trials: [],
  };
  const schedule = redlineSchedule(scenario.meshes);
  for (let trial = schedule.next(result); trial; trial = schedule.next(result)) {
    assert.ok(result.trials.length < 500, 'the schedule does not end');
    if (!result.levels.some((l) => l.id === trial.level.id)) result.levels.push(trial.level);
    result.trials.push(step(trial, behaviour[trial.mesh]!));
  }
  return result;
}

test('meshes take turns, step by step, and each repetition is a search of its own', () => {
  const r = redlineRun({ none: { capacityRps: 1000 }, istio: { capacityRps: 700 } }, 3);
  assert.equal(r.trials.slice(0, 4).map((t) => `${t.mesh}@${t.trial.level.targetRps}`), ['none@50', 'istio@50', 'none@100', 'istio@100']);
  for (const mesh of ['none', 'istio']) {
    const searches = redlineSearches(r, mesh);
    assert.equal(searches.map((s) => s.end), ['converged', 'converged', 'converged']);
    // Later searches start just under the redline found: far fewer steps than the first.
    assert.ok(searches[1]!.points.length < searches[0]!.points.length, JSON.stringify(searches.map((s) => s.points.length)));
  }
});

test('each mesh gets its redline with a 75 % interval from 3 searches, the capacity it loses, and proxy cores per 1000 rps', () => {
  const r = redlineRun({ none: { capacityRps: 1000 }, istio: { capacityRps: 700 } }, 3);
  const [none, istio] = meshRedlines(r);
  assert.ok(none!.redlineRps!.estimate <= 1000 && none!.redlineRps!.estimate >= 950, JSON.stringify(none));
  assert.ok(istio!.redlineRps!.estimate <= 700 && istio!.redlineRps!.estimate >= 665, JSON.stringify(istio));
  assert.is(none!.redlineRps!.level, 0.75);
  assert.is(none!.capacityLost, null);
  const lost = istio!.capacityLost!;
  assert.ok(lost.estimate > 0.25 && lost.estimate < 0.35, JSON.stringify(lost));
  assert.ok(lost.low <= lost.estimate && lost.estimate <= lost.high);
  // The sidecar used rate / 2000 cores: 0.5 cores per 1000 rps at any rate.
  assert.ok(Math.abs(istio!.sidecarCoresPerKrps! - 0.5) < 1e-9, String(istio!.sidecarCoresPerKrps));
  assert.match(none!.stopped, /^3 of 3 search\(es\) converged within 5\.0%$/);
});

test('a mesh whose loader falls behind twice at one rate reports the loader limit, not a redline, and does not repeat', () => {
  const r = redlineRun({ none: { capacityRps: 100_000, loaderLimitRps: 800 } }, 3);
  const [none] = meshRedlines(r);
  assert.is(none!.redlineRps, null);
  assert.is(none!.loaderLimitedAtRps, 800);
  assert.match(none!.stopped, /^limited by the load generator at 800 rps: .*load\.workers: 2/);
  assert.equal(r.trials.map((t) => t.trial.level.targetRps), [50, 100, 200, 400, 800, 800]);
});

test('the redline gates: cross-mesh ratio paired by search, and a relative change against a baseline run', () => {
  const gates = ['istio:redline > none:redline * 0.7', 'istio:redline > none:redline * 0.9', 'p99 < +10%'];
  const r = redlineRun({ none: { capacityRps: 1000 }, istio: { capacityRps: 800 } }, 6, gates);
  assert.ok(judgedCells(r).some((c) => c.mesh === 'istio' && c.level === 'redline'));
  const decisions = crossMeshDecisions(r);
  // Only the level `redline` is judged on the redline.
  assert.equal(decisions.map((d) => `${d.gate.text}@${d.level}:${d.verdict}`), ['istio:redline > none:redline * 0.7@redline:pass', 'istio:redline > none:redline * 0.9@redline:regression']);
  assert.ok(decisions[0]!.interval!.level >= 0.95, JSON.stringify(decisions[0]!.interval));

  const baseline = redlineRun({ none: { capacityRps: 1000 }, istio: { capacityRps: 800 } }, 6);
  const slower = redlineRun({ none: { capacityRps: 1000 }, istio: { capacityRps: 600 } }, 6);
  const cells = [{ mesh: 'istio', level: 'redline' }, { mesh: 'istio', level: slower.levels[0]!.id }];
  const { results } = evaluateGates(trialSamples(baseline), trialSamples(slower), { gates: [parseGate('redline > -5%', 't')], cells, inconclusive: 'fail' });
  assert.equal(results.map((x) => `${x.level}:${x.verdict}`), ['redline:regression']);
  assert.ok(results[0]!.interval!.estimate < -0.2, JSON.stringify(results[0]!.interval));
  const same = evaluateGates(trialSamples(baseline), trialSamples(redlineRun({ none: { capacityRps: 1000 }, istio: { capacityRps: 800 } }, 6)), { gates: [parseGate('redline > -5%', 't')], cells, inconclusive: 'fail' });
  assert.equal(same.results.map((x) => x.verdict), ['pass']);
});

test.run();
