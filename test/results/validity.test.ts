import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LoadFigures } from '../../src/results/model.ts';
import { invalidReasons } from '../../src/results/validity.ts';

const load = (o: Partial<LoadFigures>): LoadFigures => ({
  mode: 'max',
  engine: 'test',
  requests: 1000,
  responses2xx: 1000,
  responsesNon2xx: 0,
  errors: 0,
  errorsByClass: { timeout: 0, refused: 0, reset: 0, other: 0 },
  durationMs: 1000,
  targetRps: null,
  achievedRps: 1000,
  sentRps: 1000,
  clampedLatencies: 0,
  ...o,
});

test('a clean trial is valid', () => {
  assert.equal(invalidReasons({ load: load({}), errorBudget: 0.01, loaderSaturated: false, loaderCpuCores: null }), []);
});

test('failures over the budget make it invalid; at the budget it stays valid', () => {
  assert.equal(invalidReasons({ load: load({ responses2xx: 990, responsesNon2xx: 10 }), errorBudget: 0.01, loaderSaturated: false, loaderCpuCores: null }), []);
  const reasons = invalidReasons({ load: load({ responses2xx: 980, responsesNon2xx: 10, errors: 10 }), errorBudget: 0.01, loaderSaturated: false, loaderCpuCores: null });
  assert.equal(reasons, ['failed requests 2.0% exceed the error budget 1.0%']);
});

test('completing fewer responses than 1 % under the target makes it invalid; failed responses are the budget\'s', () => {
  assert.equal(invalidReasons({ load: load({ targetRps: 1000, responses2xx: 991 }), errorBudget: 0.01, loaderSaturated: false, loaderCpuCores: null }), []);
  const [reason] = invalidReasons({ load: load({ targetRps: 1000, responses2xx: 975, errors: 10 }), errorBudget: 0.02, loaderSaturated: false, loaderCpuCores: null });
  assert.match(reason ?? '', /completed 975.0 responses\/s, more than 1.0% under the target 1000 rps/);
  // A 5xx burst of 20 % within a 25 % budget: every request was answered, so the rate holds.
  assert.equal(invalidReasons({ load: load({ targetRps: 1000, responses2xx: 800, responsesNon2xx: 200, achievedRps: 800 }), errorBudget: 0.25, loaderSaturated: false, loaderCpuCores: null }), []);
});

test('a saturated loader and an empty window are reasons too', () => {
  const reasons = invalidReasons({ load: load({ responses2xx: 0, errors: 5 }), errorBudget: 0.01, loaderSaturated: true, loaderCpuCores: null });
  assert.ok(reasons.some((r) => r.includes('no successful')));
  assert.ok(reasons.some((r) => r.includes('fell behind its schedule')));
});

test('in closed loop a loader at 90 % of a core or more makes the trial invalid; in open loop its spin does not', () => {
  assert.equal(invalidReasons({ load: load({}), errorBudget: 0.01, loaderSaturated: false, loaderCpuCores: 0.89 }), []);
  assert.equal(invalidReasons({ load: load({}), errorBudget: 0.01, loaderSaturated: false, loaderCpuCores: 0.97 }), [
    'the load generator used 97% of a core: in closed loop its own queueing is in the latency',
  ]);
  assert.equal(invalidReasons({ load: load({ mode: 'rate', targetRps: 1000 }), errorBudget: 0.01, loaderSaturated: false, loaderCpuCores: 1.0 }), []);
});

test.run();
