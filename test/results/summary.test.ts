/** The run summary: every figure of every output, worked out once. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findCell, spread, summarizeRun, withDecisions } from '../../src/results/summary.ts';
import { constant, fakeRun } from '../fakes/results.ts';

const base: Record<string, number> = { none: 100, istio: 600, appmesh: 400 };

test('"added" is the median of differences paired by repetition, with its interval and n', () => {
  // Drift that hits both meshes of a repetition alike: +100 µs per repetition.
  const run = fakeRun((mesh, rep) => ({ latenciesUs: constant(base[mesh]! + rep * 100 + (mesh === 'istio' && rep === 3 ? 50 : 0)), achievedRps: mesh === 'none' ? 10_000 : 5_000 }));
  const istio = findCell(summarizeRun(run), 'istio', 'c4')!;
  // Differences per pair: 500, 500, 550 → median 500. Medians of each side would give 702 − 200 = 502... and
  // with drift not cancelling, an unpaired estimator would differ; paired keeps 500.
  assert.is(istio.added!.p50Us!.estimate, 500);
  assert.is(istio.added!.p50Us!.n, 3);
  // Three pairs: the interval is [min, max] and covers the median 75 % of the time, which is what it says.
  assert.is(istio.added!.p50Us!.level, 0.75);
  assert.not.ok(istio.added!.p50Us!.firm, 'a 75 % interval is not firm at 95 %');
  assert.equal([istio.added!.p50Us!.low, istio.added!.p50Us!.high], [500, 550]);
  assert.is(istio.added!.throughputChange!.estimate, -0.5);
  assert.is(findCell(summarizeRun(run), 'none', 'c4')!.added, null, 'the baseline adds nothing to itself');
});

test('fewer than 3 pairs: the estimate is there, but not firm', () => {
  const run = fakeRun((mesh) => ({ latenciesUs: constant(base[mesh]!), achievedRps: 1000 }), { repetitions: 2 });
  const e = findCell(summarizeRun(run), 'istio', 'c4')!.added!.p99Us!;
  assert.is(e.n, 2);
  assert.not.ok(e.firm);
  assert.is(summarizeRun(run).minFirmPairs, 6, 'at 95 %, [min, max] of 6 pairs covers 96.9 %; of 5, 93.8 %');
});

test('invalid trials are left out of figures and pairs; a missing pair is not made up', () => {
  const run = fakeRun((mesh, rep) => ({
    latenciesUs: constant(mesh === 'istio' && rep === 2 ? 90_000 : base[mesh]!),
    achievedRps: 1000,
    status: mesh === 'istio' && rep === 2 ? 'invalid' : 'valid',
  }));
  const istio = findCell(summarizeRun(run), 'istio', 'c4')!;
  assert.equal(istio.trials, { valid: 2, invalid: 1, failed: 0, aborted: 0 });
  assert.is(istio.figures.p99?.max, 600);
  assert.is(istio.added!.p99Us!.n, 2);
  assert.is(istio.requests, 300, 'request counts include the invalid trial');
});

test('six pairs reach 95 %: the figure is firm and says its true level', () => {
  const run = fakeRun((mesh, rep) => ({ latenciesUs: constant(base[mesh]! + (mesh === 'istio' ? rep * 10 : 0)), achievedRps: 1000 }), { repetitions: 6 });
  const e = findCell(summarizeRun(run), 'istio', 'c4')!.added!.p50Us!;
  assert.equal([e.n, e.level, e.firm, e.low, e.high], [6, 0.96875, true, 510, 560]);
});

test('without a valid baseline there is no added latency; throughput reads the invalid trials too', () => {
  const run = fakeRun((mesh) => ({ latenciesUs: constant(base[mesh]!), achievedRps: mesh === 'none' ? 1000 : 900, status: mesh === 'none' ? 'invalid' : 'valid' }));
  const istio = findCell(summarizeRun(run), 'istio', 'c4')!;
  assert.is(istio.added!.p50Us, null);
  // A throughput impact exists to catch the trials that missed the rate: they are in it (DESIGN.md).
  assert.ok(Math.abs(istio.added!.throughputChange!.estimate + 0.1) < 1e-9);
});

test('spread gives median, min, max of repetitions', () => {
  assert.equal(spread([3, 1, 2]), { median: 2, min: 1, max: 3, n: 3 });
  assert.equal(spread([4, 1, 2, 3]), { median: 2.5, min: 1, max: 4, n: 4 });
  assert.is(spread([]), null);
});

test('a decision judged against a reference the user gave replaces the in-run one of the same gate and cell', () => {
  const run = fakeRun((mesh) => ({ latenciesUs: constant(base[mesh]!), achievedRps: 1000 }), { gates: ['istio:p99 < appmesh:p99 * 1.10'] });
  const summary = summarizeRun(run);
  const inRun = summary.decisions[0]!;
  const fromArchive = { ...inRun, verdict: 'pass' as const, sources: { baseline: 'appmesh from imported-abc (fortio)', candidate: 'istio from this run' } };
  const merged = withDecisions(summary, [fromArchive]);
  assert.equal(merged.decisions, [fromArchive]);
  assert.is(withDecisions(summary, []), summary);
});

test.run();
