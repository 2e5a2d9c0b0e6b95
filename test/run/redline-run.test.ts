/**
 * The orchestrator driving a redline search through the Platform interface (fakes: the fake
 * engine completes 100 requests per window, so every rate above 100 rps misses its target).
 * The searches against real targets are in test/e2e/redline-*.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunResult } from '../../src/results/model.ts';
import { executeRun, type RunOptions } from '../../src/run/orchestrator.ts';
import { silentProgress } from '../../src/run/progress.ts';
import { expandPlan, plannedTrialCount } from '../../src/scenario/plan.ts';
import { resolveScenario } from '../../src/scenario/resolve.ts';
import { ScenarioSchema } from '../../src/scenario/schema.ts';
import { FakeEngine } from '../fakes/engine.ts';
import { FakePlatform } from '../fakes/platform.ts';

function setup(repetitions: number) {
  const scenario = resolveScenario(ScenarioSchema.parse({ name: 'redline', meshes: ['none', 'istio'], repetitions, load: { mode: 'redline', connections: 4, duration: '1s', redline: { p99: '50ms', min: 50, max: 400 } } }));
  const platform = new FakePlatform();
  const controller = new AbortController();
  const snapshots: RunResult[] = [];
  const trials = expandPlan(scenario);
  const options: RunOptions = {
    runId: 'r1', meshbenchVersion: 'test', startedAt: new Date(), scenarioFile: 'x.yaml', scenarioHash: 'h', scenario, trials,
    plannedTrials: plannedTrialCount(scenario, trials),
    estimatedMs: 0,
    environment: { platform: 'fake', layout: 'loopback', hostname: 'h', os: 'o', kernel: 'k', cpuModel: 'c', cpuCount: 2, memoryBytes: 1, node: 'v', components: {}, caveats: [] },
    platform, engine: new FakeEngine(), collectors: [], progress: silentProgress,
    persist: async (r) => {
      snapshots.push(structuredClone(r));
    },
    signal: controller.signal,
  };
  return { options, platform, controller, snapshots };
}

test('each step is deployed, loaded and torn down like any trial; meshes take turns; the redline lands at what the target completes', async () => {
  const { options, platform } = setup(1);
  const result = await executeRun(options);
  assert.is(result.status, 'completed');
  assert.is(result.plannedTrials, 2 * 12);
  assert.equal(result.trials.slice(0, 6).map((t) => `${t.trial.mesh}@${t.trial.level.targetRps}`), ['none@50', 'istio@50', 'none@100', 'istio@100', 'none@200', 'istio@200']);
  assert.ok(platform.calls.filter((c) => c.startsWith('deploy')).length === result.trials.length);
  assert.ok(platform.calls.filter((c) => c.startsWith('teardown')).length === result.trials.length);
  // Every rate a step ran is a level of the result, once.
  assert.equal(result.levels.map((l) => l.id).sort(), [...new Set(result.trials.map((t) => t.trial.level.id))].sort());
  for (const r of result.redline!) {
    assert.is(r.redlineRps?.estimate, 100, JSON.stringify(r));
    assert.equal(r.ends, ['converged']);
  }
});

test('result.json holds the redline after every trial; an interrupted search says it was cut short', async () => {
  const { options, controller, snapshots } = setup(2);
  options.persist = async (r) => {
    snapshots.push(structuredClone(r));
    if (r.trials.length === 5) controller.abort();
  };
  const result = await executeRun(options);
  assert.is(result.status, 'interrupted');
  assert.ok(snapshots.filter((s) => s.trials.length > 0).every((s) => s.redline?.length === 2));
  assert.equal(result.redline!.map((r) => r.ends), [['unfinished'], ['unfinished']]);
  assert.match(result.redline![0]!.stopped, /cut short/);
});

test.run();
