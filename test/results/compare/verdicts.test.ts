/** Verdicts on synthetic samples whose answer is known. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bootstrapInterval, median } from '../../../src/results/compare/bootstrap.ts';
import { evaluateGate, evaluateGates } from '../../../src/results/compare/compare.ts';
import { parseGate as parseAnyGate, type GateMetric, type ThresholdGate } from '../../../src/scenario/gates.ts';

const parseGate = (text: string, where: string) => parseAnyGate(text, where) as ThresholdGate;
import { cellKey, type Samples } from '../../../src/results/compare/samples.ts';

const samples = (cells: Record<string, Partial<Record<GateMetric, number[]>>>): Samples =>
  new Map(Object.entries(cells).map(([key, metrics]) => [key as `${string}|${string}`, new Map(Object.entries(metrics) as [GateMetric, number[]][])]));
const cell = { mesh: 'istio', level: 'c4' };
const key = cellKey('istio', 'c4');
const verdict = (gate: string, b: Partial<Record<GateMetric, number[]>>, c: Partial<Record<GateMetric, number[]>>) =>
  evaluateGate(parseGate(gate, 'test'), cell, samples({ [key]: b }), samples({ [key]: c }));

test('identical repetitions pass with a zero-width interval', () => {
  const r = verdict('p50 < +10%', { p50: [300, 310, 305] }, { p50: [300, 310, 305] });
  assert.is(r.verdict, 'pass');
  assert.equal([r.interval?.estimate, r.baseline, r.candidate], [0, 305, 305]);
});

test('a clear +50 % regression, separated from the noise, is declared', () => {
  const r = verdict('p50 < +10%', { p50: [100, 101, 99, 100, 102] }, { p50: [150, 151, 149, 150, 152] });
  assert.is(r.verdict, 'regression');
  assert.ok(r.interval!.low >= 0.1 && Math.abs(r.interval!.estimate - 0.5) < 1e-9);
});

test('overlapping noisy samples are inconclusive, with advice', () => {
  const r = verdict('p50 < +10%', { p50: [100, 130, 90] }, { p50: [110, 95, 140] });
  assert.is(r.verdict, 'inconclusive');
  assert.match(r.note ?? '', /add repetitions/);
});

test('an absolute change threshold in µs', () => {
  assert.is(verdict('p50 < +0.2ms', { p50: [1000, 1010, 990] }, { p50: [1300, 1310, 1290] }).verdict, 'regression');
  assert.is(verdict('p50 < +0.2ms', { p50: [1000, 1010, 990] }, { p50: [1050, 1060, 1040] }).verdict, 'pass');
});

test('a throughput drop of 20 % fails "rps > -5%"; a 1 % drop passes', () => {
  assert.is(verdict('rps > -5%', { rps: [1000, 1002, 998] }, { rps: [800, 801, 799] }).verdict, 'regression');
  assert.is(verdict('rps > -5%', { rps: [1000, 1002, 998] }, { rps: [990, 991, 989] }).verdict, 'pass');
});

test('an absolute bound looks at the candidate alone', () => {
  assert.is(verdict('errors < 0.1%', {}, { errors: [0.005, 0.006, 0.004] }).verdict, 'regression');
  assert.is(verdict('errors < 0.1%', {}, { errors: [0, 0, 0] }).verdict, 'pass');
});

test('a cell without valid baseline samples is inconclusive and says so', () => {
  const r = verdict('p99 < +10%', {}, { p99: [1, 2, 3] });
  assert.is(r.verdict, 'inconclusive');
  assert.is(r.note, 'no valid baseline trial with p99');
});

test('a baseline with samples and a candidate without any is a regression, never a pass', () => {
  const r = verdict('p99 < +10%', { p99: [100, 101, 99] }, {});
  assert.is(r.verdict, 'regression');
  assert.match(r.note ?? '', /the candidate has no valid trial with p99 at istio\/c4/);
});

test('n = 1 and n = 2 are inconclusive (n < 3) even when far apart; n = 3 decides', () => {
  for (const n of [1, 2]) {
    const r = verdict('p50 < +10%', { p50: [100, 101, 99].slice(0, n) }, { p50: [500, 501, 499].slice(0, n) });
    assert.is(r.verdict, 'inconclusive', `n = ${n}`);
    assert.match(r.note ?? '', /inconclusive \(n < 3\)/);
  }
  assert.is(verdict('p50 < +10%', { p50: [100, 101, 99] }, { p50: [500, 501, 499] }).verdict, 'regression');
});

test('an archived reference (imported) is a fixed point: only the candidate\'s repetitions make the interval', () => {
  const gate = parseGate('p50 < +10%', 'test');
  const b = samples({ [key]: { p50: [100] } });
  const firm = evaluateGate(gate, cell, b, samples({ [key]: { p50: [150, 151, 149] } }), { fixedBaseline: true });
  assert.is(firm.verdict, 'regression');
  assert.match(firm.note ?? '', /its own noise is unknown/);
  const few = evaluateGate(gate, cell, b, samples({ [key]: { p50: [150, 151] } }), { fixedBaseline: true });
  assert.is(few.verdict, 'inconclusive');
  assert.match(few.note ?? '', /2 candidate repetition\(s\)/);
});

test('scoped gates apply to their mesh only; the outcome follows the inconclusive policy', () => {
  const b = samples({ [cellKey('none', 'c4')]: { p99: [100, 130, 90] }, [key]: { p99: [100, 130, 90] } });
  const c = samples({ [cellKey('none', 'c4')]: { p99: [110, 95, 140] }, [key]: { p99: [110, 95, 140] } });
  const gates = [parseGate('istio:p99 < +10%', 't')];
  const cells = [{ mesh: 'none', level: 'c4' }, cell];
  const lenient = evaluateGates(b, c, { gates, cells, inconclusive: 'pass' });
  assert.equal(lenient.results.map((r) => `${r.mesh}:${r.verdict}`), ['istio:inconclusive']);
  assert.is(lenient.outcome, 'pass');
  assert.is(evaluateGates(b, c, { gates, cells, inconclusive: 'fail' }).outcome, 'regression');
});

test('the bootstrap is seeded: the same input gives the same interval', () => {
  const stat = (x: readonly number[], y: readonly number[]) => median(y) - median(x);
  const a = bootstrapInterval([1, 5, 3, 8, 2], [4, 9, 6, 7, 5], stat);
  assert.equal(bootstrapInterval([1, 5, 3, 8, 2], [4, 9, 6, 7, 5], stat), a);
  assert.ok(a.low <= a.estimate && a.estimate <= a.high);
});

test.run();
