import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bracket, FIRST_SEARCH_GROWTH, nextStep, redlineBudget, repeatGrowth, repeatStartRps, type SearchStep } from '../../src/scenario/redline-plan.ts';
import { expandPlan, loadLevels } from '../../src/scenario/plan.ts';
import { resolveScenario, type RedlineObjective } from '../../src/scenario/resolve.ts';
import { ScenarioSchema } from '../../src/scenario/schema.ts';

const objective = (over: Partial<RedlineObjective> = {}): RedlineObjective => ({ p99Us: 50_000, errorFraction: 0.001, minRps: 50, maxRps: 5000, tolerance: 0.05, maxSteps: 12, ...over });

/** Runs the rules against a target that holds every rate up to `capacity`: the search alone, no noise. */
function search(o: RedlineObjective, capacity: number, start = o.minRps, growth = FIRST_SEARCH_GROWTH) {
  const steps: SearchStep[] = [{ rateRps: start, verdict: start <= capacity ? 'held' : 'broke' }];
  for (;;) {
    const next = nextStep(o, steps, growth);
    if ('end' in next) return { steps, end: next.end, ...bracket(steps) };
    steps.push({ rateRps: next.rateRps, verdict: next.rateRps <= capacity ? 'held' : 'broke' });
  }
}

test('the search doubles from min until a step breaks, then bisects to within the tolerance', () => {
  const r = search(objective(), 400);
  assert.equal(r.steps.slice(0, 5).map((s) => s.rateRps), [50, 100, 200, 400, 800]);
  assert.is(r.end, 'converged');
  assert.ok(r.heldRps! <= 400 && r.brokeRps! > 400, JSON.stringify(r));
  assert.ok(r.brokeRps! <= r.heldRps! * 1.05, `bracket [${r.heldRps}, ${r.brokeRps}] wider than 5 %`);
  assert.ok(r.steps.length <= 12);
});

test('the redline it finds is within the tolerance of the capacity, for capacities across the range', () => {
  for (const capacity of [57, 130, 399, 401, 777, 1234, 3000, 4999]) {
    const r = search(objective(), capacity);
    assert.is(r.end, 'converged', `capacity ${capacity}: ${JSON.stringify(r.steps)}`);
    assert.ok(r.heldRps! <= capacity && capacity < r.heldRps! * 1.05 + 1, `capacity ${capacity}: held ${r.heldRps}`);
  }
});

test('a mesh that holds max is reported as above it, one that breaks min as below it', () => {
  assert.is(search(objective(), 10_000).end, 'above-max');
  assert.equal(search(objective(), 10_000).heldRps, 5000);
  const below = search(objective(), 20);
  assert.is(below.end, 'below-min');
  assert.is(below.heldRps, null);
});

test('the step budget ends a search that has not converged, with the bracket it reached', () => {
  const r = search(objective({ maxSteps: 6, tolerance: 0.01 }), 777);
  assert.is(r.end, 'budget');
  assert.is(r.steps.length, 6);
  assert.ok(r.heldRps! <= 777 && r.brokeRps! > 777);
});

test('a repetition starts just under the last redline and needs fewer steps than the first search', () => {
  const o = objective();
  const first = search(o, 400);
  const start = repeatStartRps(o, first.heldRps!);
  assert.ok(start < first.heldRps! && start > first.heldRps! / 1.2, `start ${start}`);
  const again = search(o, 400, start, repeatGrowth(o));
  assert.is(again.end, 'converged');
  assert.ok(again.steps.length < first.steps.length, `${again.steps.length} steps against ${first.steps.length}`);
  // The boundary moved up since: it steps up by ×1.1 until it breaks.
  const moved = search(o, 520, start, repeatGrowth(o));
  assert.is(moved.end, 'converged');
  assert.ok(moved.heldRps! <= 520 && moved.heldRps! * 1.05 + 1 > 520);
  // ... or down: a first step that breaks steps down until one holds.
  const lower = search(o, 300, start, repeatGrowth(o));
  assert.is(lower.steps[0]!.verdict, 'broke');
  assert.is(lower.end, 'converged');
  assert.ok(lower.heldRps! <= 300 && lower.heldRps! * 1.05 + 1 > 300);
});

test('noise that inverts two steps keeps the bracket below the lowest rate that broke', () => {
  const steps: SearchStep[] = [
    { rateRps: 100, verdict: 'held' },
    { rateRps: 200, verdict: 'broke' },
    { rateRps: 150, verdict: 'held' },
    { rateRps: 175, verdict: 'broke' },
    { rateRps: 250, verdict: 'held' },
  ];
  assert.equal(bracket(steps), { heldRps: 150, brokeRps: 175 });
});

test('a redline scenario has no fixed trials; bench plan gets its bounds and budget', () => {
  const s = resolveScenario(ScenarioSchema.parse({ name: 'r', meshes: ['none', 'istio'], repetitions: 3, load: { mode: 'redline', connections: 16, redline: { p99: '50ms', min: 50, max: 5000 } } }));
  assert.is(s.load.mode, 'rate');
  assert.equal(s.load.redline, { p99Us: 50_000, errorFraction: 0.001, minRps: 50, maxRps: 5000, tolerance: 0.05, maxSteps: 12 });
  assert.equal(expandPlan(s), []);
  assert.equal(loadLevels(s), []);
  const b = redlineBudget(s)!;
  assert.is(b.searches, 6);
  assert.is(b.maxTrials, 72);
  assert.is(b.connections, 16);
  // ⌈log2(100)⌉ + 1 = 8 rates from 50 to 6400 (clamped at 5000), then ⌈log2(20)⌉ = 5 bisections, capped by the budget.
  assert.is(b.firstSearchSteps, 12);
});

test('a scenario without redline keeps its resolved shape (and so its hash)', () => {
  const s = resolveScenario(ScenarioSchema.parse({ name: 'r', load: { mode: 'rate', rate: 100 } }));
  assert.not.ok('redline' in s.load);
  assert.is(redlineBudget(s), null);
});

test.run();
