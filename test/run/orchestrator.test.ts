import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Collector, ResourceUsage } from '../../src/collectors/types.ts';
import { decodeHistogram } from '../../src/results/histogram.ts';
import type { RunResult } from '../../src/results/model.ts';
import { executeRun, TRIAL_PROBE_MS, type RunOptions } from '../../src/run/orchestrator.ts';
import { silentProgress } from '../../src/run/progress.ts';
import { expandPlan } from '../../src/scenario/plan.ts';
import { resolveScenario } from '../../src/scenario/resolve.ts';
import { ScenarioSchema } from '../../src/scenario/schema.ts';
import { FakeCollector } from '../fakes/collector.ts';
import { FakeEngine } from '../fakes/engine.ts';
import { FakePlatform } from '../fakes/platform.ts';

function setup(repetitions = 2) {
  const scenario = resolveScenario(ScenarioSchema.parse({ name: 'orchestrated', repetitions }));
  const platform = new FakePlatform();
  const engine = new FakeEngine();
  const controller = new AbortController();
  const snapshots: RunResult[] = [];
  const options: RunOptions = {
    runId: 'r1',
    meshbenchVersion: 'test',
    startedAt: new Date(),
    scenarioFile: 'x.yaml',
    scenarioHash: 'h',
    scenario,
    trials: expandPlan(scenario),
    estimatedMs: 0,
    environment: { platform: 'fake', layout: 'loopback', hostname: 'h', os: 'o', kernel: 'k', cpuModel: 'c', cpuCount: 2, memoryBytes: 1, node: 'v', components: {}, caveats: [] },
    platform,
    engine,
    collectors: [],
    progress: silentProgress,
    persist: async (r) => {
      snapshots.push(structuredClone(r));
    },
    signal: controller.signal,
  };
  return { options, platform, engine, controller, snapshots };
}

test('each trial is deployed, loaded and torn down in plan order; the platform closes once', async () => {
  const { options, platform } = setup(1);
  const result = await executeRun(options);
  assert.equal(platform.calls, ['deploy 0 none', 'teardown 0', 'deploy 1 istio', 'teardown 1', 'deploy 2 appmesh', 'teardown 2', 'close']);
  assert.is(result.status, 'completed');
  assert.equal(result.trials.map((t) => t.status), ['valid', 'valid', 'valid']);
  assert.is(result.trials[1]?.status === 'valid' && result.trials[1].meshLabel, 'istio (fake)');
});

test('results are persisted at the start, after every trial and at the end', async () => {
  const { options, snapshots } = setup(1);
  await executeRun(options);
  assert.equal(snapshots.map((s) => `${s.status}:${s.trials.length}`), ['running:0', 'running:1', 'running:2', 'running:3', 'completed:3']);
});

test('stored histograms decode to the recorded counts', async () => {
  const { options } = setup(1);
  const result = await executeRun(options);
  const t = result.trials[0]!;
  assert.ok(t.status === 'valid');
  if (t.status !== 'valid') return;
  assert.is(decodeHistogram(t.histograms.latencyUs).totalCount, 100);
  assert.is(t.latency.p50Us, 149);
});

test('a load failure tears the trial down, says which stage failed, and the run goes on', async () => {
  const { options, platform, engine } = setup(1);
  engine.behaviour.set(1, 'fail');
  const result = await executeRun(options);
  assert.is(result.status, 'failed');
  assert.equal(result.trials.map((t) => t.status), ['valid', 'failed', 'valid']);
  const failed = result.trials[1]!;
  assert.ok(failed.status === 'failed' && failed.stage === 'measure');
  assert.ok(failed.status === 'failed' && failed.error.what.startsWith('internal error: fake load failure'));
  assert.equal(platform.calls.slice(2), ['deploy 1 istio', 'teardown 1', 'deploy 2 appmesh', 'teardown 2', 'close']);
  assert.is(platform.liveDeployments, 0);
});

test('a deploy failure is recorded with stage deploy', async () => {
  const { options, platform } = setup(1);
  platform.failDeployOf.add(2);
  const result = await executeRun(options);
  const t = result.trials[2]!;
  assert.ok(t.status === 'failed' && t.stage === 'deploy');
  assert.is(platform.calls.at(-1), 'close');
});

test('errors over the budget make a trial invalid, and the run goes on', async () => {
  const { options, engine } = setup(1);
  engine.behaviour.set(0, 'errors');
  const result = await executeRun(options);
  assert.is(result.status, 'completed');
  const t = result.trials[0]!;
  assert.ok(t.status === 'invalid');
  assert.ok(t.status === 'invalid' && t.reasons[0]!.startsWith('failed requests'));
  assert.ok(t.status === 'invalid' && t.load.errorsByClass.timeout === 50);
});

test('Ctrl-C mid-trial: the trial is aborted and torn down, finished trials are kept, nothing else starts', async () => {
  const { options, platform, engine, controller, snapshots } = setup(2);
  engine.behaviour.set(2, 'hang');
  engine.onHang = () => controller.abort(new Error('interrupted by SIGINT'));
  const result = await executeRun(options);
  assert.is(result.status, 'interrupted');
  assert.equal(result.trials.map((t) => t.status), ['valid', 'valid', 'aborted']);
  assert.ok(result.trials[2]!.status === 'aborted' && result.trials[2]!.stage === 'measure');
  assert.equal(platform.calls.slice(-3), ['deploy 2 appmesh', 'teardown 2', 'close']);
  assert.is(snapshots.at(-1)?.status, 'interrupted');
  assert.is(snapshots.at(-1)?.trials.length, 3);
});

test('resources are collected over the measured window only, and kept with the trial', async () => {
  const { options, platform } = setup(1);
  const log: string[] = [];
  options.collectors = [new FakeCollector(log)];
  options.progress = { ...silentProgress, trialStage: (t, stage) => log.push(`${t.index} ${stage}`) };
  platform.containers = [{ kind: 'process', pod: 'workload', container: 'app', role: 'app', pid: 1 }];
  const result = await executeRun(options);
  assert.equal(log.slice(0, 7), ['0 deploy', '0 warmup', '0 measure', 'collect begin', '0 drain', 'collect end', '0 teardown']);
  const t = result.trials[0]!;
  assert.ok(t.status === 'valid' && t.resources.length === 1 && t.resources[0]!.cpuCores === 0.25);
});

test('a failed load cancels the collection window', async () => {
  const { options, engine } = setup(1);
  const log: string[] = [];
  options.collectors = [new FakeCollector(log)];
  engine.behaviour.set(0, 'hang');
  const controller = new AbortController();
  options.signal = controller.signal;
  engine.onHang = () => controller.abort(new Error('stop'));
  await executeRun(options);
  assert.equal(log, ['collect begin', 'collect cancel']);
});

test('closed loop with several load pods: a saturated loader makes the trial invalid even when it is not the first listed', async () => {
  const { options, platform } = setup(1);
  options.scenario = resolveScenario(ScenarioSchema.parse({ name: 'orchestrated', repetitions: 1, load: { mode: 'max' } }));
  options.trials = expandPlan(options.scenario);
  platform.containers = [0, 1].map((i) => ({ kind: 'process', pod: `loadgen-${i}`, container: 'loadgen', role: 'loadgen', pid: 100 + i }));
  // The second load pod uses 95 % of its core; the first only 20 %.
  const busy: Collector = {
    name: 'per-pod',
    begin: async (containers) => ({
      cancel: () => {},
      end: async (): Promise<ResourceUsage[]> => containers.map((c, i) => ({ ...c, cpuCores: i === 0 ? 0.2 : 0.95, cpuCoresMax: 1, memoryBytesAvg: 1 << 20, memoryBytesMax: 1 << 20, samples: 3, windowMs: 1000 })),
    }),
  };
  options.collectors = [busy];
  const result = await executeRun(options);
  const t = result.trials[0]!;
  assert.is(t.status, 'invalid', 'before: only loadgen-0 (20 %) was read');
  assert.ok(t.status === 'invalid' && t.reasons.some((r) => /load generator used 95% of a core/.test(r)), JSON.stringify(t.status === 'invalid' && t.reasons));
});

test('an impossible resource figure (negative CPU) fails the trial loudly instead of entering the figures', async () => {
  const { options, platform } = setup(1);
  platform.containers = [{ kind: 'process', pod: 'loadgen', container: 'loadgen', role: 'loadgen', pid: 100 }];
  const negative: Collector = {
    name: 'broken',
    begin: async (containers) => ({
      cancel: () => {},
      end: async (): Promise<ResourceUsage[]> => containers.map((c) => ({ ...c, cpuCores: -0.132, cpuCoresMax: 0.15, memoryBytesAvg: 1 << 20, memoryBytesMax: 1 << 20, samples: 3, windowMs: 1000 })),
    }),
  };
  options.collectors = [negative];
  const result = await executeRun(options);
  const t = result.trials[0]!;
  assert.is(t.status, 'failed', 'before: a valid trial with loadgen at -0.132 cores');
  assert.ok(t.status === 'failed' && t.error.where === 'resource collection' && /^loadgen\/loadgen \(loadgen\): cpuCores is negative \(-0\.132\)/.test(t.error.what), JSON.stringify(t.status === 'failed' && t.error));
});

test('the host-pause probe runs before the first trial and again right after a trial whose loader fell behind, which names the later one; a probe that fails leaves it out', async () => {
  const { options, engine, snapshots } = setup(1);
  const pauses = { measuredAt: 't', durationMs: 2_000, pausedPct: 5.7, pauses: 700, pauseP50Us: 51, pauseP99Us: 355, pauseMaxUs: 1_900, runQueuePct: 0.1 };
  const after = { measuredAt: 't2', durationMs: 1_000, pausedPct: 31, pauses: 900, pauseP50Us: 80, pauseP99Us: 7_900, pauseMaxUs: 30_000, runQueuePct: 29 };
  const probes: (number | undefined)[] = [];
  options.probeHost = async (_signal, durationMs) => {
    probes.push(durationMs);
    return probes.length === 1 ? pauses : after;
  };
  engine.behaviour.set(1, 'late');
  const result = await executeRun(options);
  assert.equal(probes, [undefined, TRIAL_PROBE_MS], 'the run\'s probe, then one after the late trial only');
  assert.equal(snapshots[0]!.environment.hostPauses, pauses, 'in the file before the first trial');
  assert.equal(result.trials.map((t) => t.status), ['valid', 'invalid', 'valid']);
  const late = result.trials[1]!;
  const reasons = late.status === 'invalid' ? late.reasons.join('; ') : '';
  assert.match(reasons, /other processes on this machine kept a running thread waiting for a CPU 29 % of the time \(all pauses 31 %, P50 80 µs, P99 7,900 µs; probed for 1\.0 s right after this trial\)/);
  assert.equal(late.status === 'invalid' && late.hostPauses, after, 'the later probe is kept with the trial');
  assert.is(result.trials[0]!.status === 'valid' && result.trials[0]!.hostPauses, undefined);

  const startOnly = setup(1);
  startOnly.options.probeHost = async (_signal, durationMs) => {
    if (durationMs) throw new Error('no thread');
    return pauses;
  };
  startOnly.engine.behaviour.set(0, 'late');
  const fromStart = await executeRun(startOnly.options);
  const first = fromStart.trials[0]!;
  assert.match(first.status === 'invalid' ? first.reasons.join('; ') : '', /the host paused this machine's running threads 5\.7 % of the time \(P50 51 µs, P99 355 µs; probed for 2\.0 s at the run's start\)/);

  const failing = setup(1);
  failing.options.probeHost = async () => {
    throw new Error('no thread');
  };
  failing.engine.behaviour.set(0, 'late');
  const without = await executeRun(failing.options);
  assert.is(without.environment.hostPauses, undefined);
  assert.is(without.trials[0]!.status, 'invalid');
  assert.is(without.status, 'completed');
});

test.run();
