import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { estimatePlanMs, estimateTrialMs, expandPlan, loadLevels, TRIAL_OVERHEAD_ESTIMATE_MS, TRIAL_OVERHEAD_MS } from '../../src/scenario/plan.ts';
import { resolveScenario, type ResolvedScenario } from '../../src/scenario/resolve.ts';
import { ScenarioSchema } from '../../src/scenario/schema.ts';

const scenario = (overrides: Record<string, unknown>): ResolvedScenario => resolveScenario(ScenarioSchema.parse({ name: 't', ...overrides }));

test('meshes × levels × repetitions trials', () => {
  const s = scenario({ meshes: ['none', 'istio', 'appmesh'], load: { connections: [1, 4] }, repetitions: 3 });
  assert.is(expandPlan(s).length, 3 * 2 * 3);
});

test('meshes are interleaved: none, istio, appmesh, none, istio, ...', () => {
  const trials = expandPlan(scenario({ repetitions: 3 }));
  assert.equal(trials.map((t) => t.mesh), ['none', 'istio', 'appmesh', 'none', 'istio', 'appmesh', 'none', 'istio', 'appmesh']);
  assert.equal(trials.map((t) => t.repetition), [1, 1, 1, 2, 2, 2, 3, 3, 3]);
  assert.equal(trials.map((t) => t.index), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
});

test('every level runs once per repetition before the next repetition starts', () => {
  const trials = expandPlan(scenario({ meshes: ['none', 'istio'], load: { connections: [1, 8] }, repetitions: 2 }));
  assert.equal(
    trials.map((t) => `${t.repetition}:${t.level.id}:${t.mesh}`),
    ['1:c1:none', '1:c1:istio', '1:c8:none', '1:c8:istio', '2:c1:none', '2:c1:istio', '2:c8:none', '2:c8:istio'],
  );
});

test('rate mode makes one level per connections × rate', () => {
  const levels = loadLevels(scenario({ load: { mode: 'rate', connections: [4, 16], rate: [500, 1000] } }));
  assert.equal(levels.map((l) => l.id), ['c4-r500', 'c4-r1000', 'c16-r500', 'c16-r1000']);
  assert.equal(levels[1], { id: 'c4-r1000', connections: 4, targetRps: 1000 });
});

test('closed loop levels have no target rate', () => {
  assert.equal(loadLevels(scenario({ load: { connections: 8 } })), [{ id: 'c8', connections: 8, targetRps: null }]);
});

test('the estimate counts warmup, window and per-trial overhead', () => {
  const s = scenario({ meshes: ['none'], load: { duration: '10s', warmup: '2s' }, repetitions: 2 });
  assert.is(estimatePlanMs(s, expandPlan(s)), 2 * (12_000 + TRIAL_OVERHEAD_ESTIMATE_MS));
});

test('the overhead follows the layout: netns and a cluster cost more a trial than loopback', () => {
  const s = scenario({ meshes: ['none'], load: { duration: '10s', warmup: '2s' }, repetitions: 2 });
  assert.is(estimatePlanMs(s, expandPlan(s), 'netns'), 2 * (12_000 + TRIAL_OVERHEAD_MS.netns));
  const k8s = scenario({ platform: 'kubernetes', meshes: ['none'], load: { duration: '10s', warmup: '2s' } });
  // Issue 28: the old 1.5 s made a Kubernetes estimate about half the real time.
  assert.ok(estimatePlanMs(k8s, expandPlan(k8s)) >= 2 * (12_000 + TRIAL_OVERHEAD_ESTIMATE_MS) * 3 / 2, 'the cluster default is not loopback\'s');
  // Itemised: the load Job's start lead, its drain (one timeout), readiness and teardown.
  assert.is(estimateTrialMs(k8s), 12_000 + k8s.kubernetes.loaderStartLeadMs + k8s.load.timeoutMs + 20_000);
});

test.run();
