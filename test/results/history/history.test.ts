/** A scenario's history from result objects: series, change points with their step, gate marks, the nightly line. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildHistory, describeStep, gateMark, recentSteps, selectRuns, parseSince } from '../../../src/results/history/index.ts';
import { summarizeRun, findCell } from '../../../src/results/summary.ts';
import { UsageError } from '../../../src/errors.ts';
import { fakeHistory, normal, night } from './fake-history.ts';

const noisy = (seed: number) => {
  const draw = normal(seed);
  const values = Array.from({ length: 40 }, () => Math.round(draw() * 10));
  return (i: number) => values[i]!;
};

test('each point is the figure of the run\'s own summary', () => {
  const runs = fakeHistory(5, (i) => 100 + i * 10);
  const h = buildHistory('fake', runs);
  const p99 = h.series.find((s) => s.key === 'istio/c4/p99_added_us')!;
  runs.forEach((r, i) => {
    const cell = findCell(summarizeRun(r), 'istio', 'c4')!;
    assert.equal(p99.points[i], { value: cell.added!.p99Us!.estimate, low: cell.added!.p99Us!.low, high: cell.added!.p99Us!.high, n: 3 });
  });
  assert.equal(h.series.find((s) => s.key === 'none/c4/rps')!.points[0], { value: 1000, low: 1000, high: 1000, n: 3 });
  assert.not.ok(h.series.some((s) => s.key === 'none/c4/p99_added_us'), 'the baseline adds nothing to itself: no series');
  assert.not.ok(h.series.some((s) => s.metric === 'sidecar_cpu_per_krps'), 'no resources recorded: no CPU series');
});

test('a +100 µs step in istio P99 at night 20 of 30: found there, step and interval, and the environment change named', () => {
  const wobble = noisy(11);
  const runs = fakeHistory(30, (i) => 500 + wobble(i) + (i >= 20 ? 100 : 0), { environment: (i) => (i >= 20 ? { components: { haproxy: '2.8.5' } } : {}) });
  const h = buildHistory('fake', runs);
  const changes = h.changePoints.filter((c) => c.seriesKey === 'istio/c4/p99_added_us');
  assert.is(changes.length, 1, JSON.stringify(changes));
  const c = changes[0]!;
  assert.ok(Math.abs(c.runIndex - 20) <= 1, `at run index ${c.runIndex}`);
  assert.is(c.runIdAfter, runs[c.runIndex]!.runId);
  assert.is(c.at, runs[c.runIndex]!.startedAt);
  assert.ok(c.step.low <= 100 && c.step.high >= 100 && c.step.estimate > 70 && c.step.estimate < 130, JSON.stringify(c.step));
  assert.ok(c.relativeStep!.estimate > 0.14 && c.relativeStep!.estimate < 0.26, JSON.stringify(c.relativeStep));
  assert.is(c.pointsBefore + c.pointsAfter, 30);
  if (c.runIndex === 20) assert.ok(c.environment.some((d) => d.what === 'haproxy version' && d.baseline === '2.6.12' && d.candidate === '2.8.5'));
  assert.equal(h.runs[20]!.changes.map((d) => d.what), ['haproxy version'], 'the consecutive runs\' difference is marked on the run');
  assert.equal(h.runs[19]!.changes, []);
  assert.is(h.changePoints.filter((x) => x.seriesKey === 'istio/c4/rps').length, 0, 'rps did not move');
});

test('gate outcomes: pass, regression, accepted, the coming inconclusive, and a state not known yet', () => {
  const gates = [null, { outcome: 'pass', baseline: 'b', at: night(1) }, { outcome: 'regression', baseline: 'b', at: night(2) }, { outcome: 'regression', baseline: 'b', at: night(3), acceptedAt: night(3), acceptedReason: 'Istio 1.30' }, { outcome: 'inconclusive', baseline: 'b', at: night(4) }, { outcome: 'flaky', at: night(5) }];
  const h = buildHistory('fake', fakeHistory(6, () => 100, { gate: (i) => gates[i] }));
  assert.equal(h.runs.map((r) => r.gate?.mark ?? null), [null, 'pass', 'regression', 'accepted', 'inconclusive', 'flaky']);
  assert.match(h.runs[3]!.gate!.detail, /Istio 1\.30/);
  assert.match(h.runs[5]!.gate!.detail, /gate outcome "flaky"/);
  assert.is(gateMark(fakeHistory(1, () => 1)[0]!), null);
});

test('the nightly line: tonight joins a step that began 4 runs ago; nothing once it is older than a week', () => {
  const wobble = noisy(5);
  const runs = fakeHistory(16, (i) => 500 + wobble(i) + (i >= 12 ? 200 : 0));
  const notes = recentSteps(buildHistory('fake', runs)).filter((n) => n.mesh === 'istio' && n.metricLabel === 'P99 added over no mesh');
  assert.is(notes.length, 1);
  const line = describeStep(notes[0]!);
  assert.match(line, /^a step of \+\d+ % in istio P99 added over no mesh at c4 since 2026-11-1[234] \(run run-1[234], /);
  const later = fakeHistory(30, (i) => 500 + wobble(i % 16) + (i >= 12 ? 200 : 0));
  assert.equal(recentSteps(buildHistory('fake', later)), [], 'a step 18 runs old is the page\'s to show');
});

test('selection: one scenario, since a date; clear errors for several scenarios and nothing left', () => {
  const runs = fakeHistory(5, () => 100);
  const other = { ...runs[0]!, runId: 'x', scenario: { ...runs[0]!.scenario, name: 'other' } };
  assert.throws(() => selectRuns([...runs, other], 'dir', {}), (e: unknown) => e instanceof UsageError && /--scenario NAME: fake \(5 runs\), other \(1 runs\)/.test(e.fix ?? ''));
  assert.is(selectRuns([...runs, other], 'dir', { scenario: 'fake' }).runs.length, 5);
  assert.is(selectRuns(runs, 'dir', { since: new Date(night(3)) }).runs.length, 2);
  assert.throws(() => selectRuns(runs, 'dir', { since: new Date('2030-01-01') }), /no run of "fake"/);
  assert.is(parseSince('30d', new Date('2026-12-31T00:00:00Z')).toISOString(), '2026-12-01T00:00:00.000Z');
  assert.is(parseSince('2026-11-02', new Date()).toISOString(), '2026-11-02T00:00:00.000Z');
  assert.throws(() => parseSince('last week', new Date()), /neither a duration nor a date/);
});

test.run();
