/** Verdicts on synthetic samples whose answer is known: four states, levels that are true. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evaluateGate, evaluateGates } from '../../../src/results/compare/compare.ts';
import { parseGate as parseAnyGate, type GateMetric, type ThresholdGate } from '../../../src/scenario/gates.ts';
import { cellKey, type Samples } from '../../../src/results/compare/samples.ts';

const parseGate = (text: string, where: string) => parseAnyGate(text, where) as ThresholdGate;
const samples = (cells: Record<string, Partial<Record<GateMetric, number[]>>>): Samples =>
  new Map(Object.entries(cells).map(([key, metrics]) => [key as `${string}|${string}`, new Map(Object.entries(metrics) as [GateMetric, number[]][])]));
const cell = { mesh: 'istio', level: 'c4' };
const key = cellKey('istio', 'c4');
const verdict = (gate: string, b: Partial<Record<GateMetric, number[]>>, c: Partial<Record<GateMetric, number[]>>) =>
  evaluateGate(parseGate(gate, 'test'), cell, samples({ [key]: b }), samples({ [key]: c }));

test('identical repetitions pass with a zero-width interval (4 against 4 reach 97 %)', () => {
  const r = verdict('p50 < +10%', { p50: [300, 310, 305, 302] }, { p50: [300, 310, 305, 302] });
  assert.is(r.verdict, 'pass');
  assert.is(r.interval!.level, 68 / 70);
  assert.ok(Math.abs(r.interval!.estimate) < 1e-9);
});

test('a clear +50 % regression, separated from the noise, is declared', () => {
  const r = verdict('p50 < +10%', { p50: [100, 101, 99, 100, 102] }, { p50: [150, 151, 149, 150, 152] });
  assert.is(r.verdict, 'regression');
  assert.ok(r.interval!.low >= 0.1 && Math.abs(r.interval!.estimate - 0.5) < 0.01);
});

test('3 against 3 reach only 90 %: never firm at 95 %, however far apart, and the note says why', () => {
  const r = verdict('p50 < +10%', { p50: [100, 101, 99] }, { p50: [500, 501, 499] });
  assert.is(r.verdict, 'inconclusive');
  assert.is(r.interval!.level, 0.9);
  assert.match(r.note ?? '', /3 baseline and 3 candidate sample\(s\) give a 90 % interval, short of the 95 % asked/);
  assert.is(r.resolution!.smallestFirmChange, null);
  // At --confidence 0.9 the same samples decide.
  const lenient = evaluateGate(parseGate('p50 < +10%', 't'), cell, samples({ [key]: { p50: [100, 101, 99] } }), samples({ [key]: { p50: [500, 501, 499] } }), { confidence: 0.9 });
  assert.is(lenient.verdict, 'regression');
});

test('overlapping noisy samples are inconclusive, with the smallest change the run could call firm', () => {
  const r = verdict('p50 < +10%', { p50: [100, 130, 90, 115, 105] }, { p50: [110, 95, 140, 100, 120] });
  assert.is(r.verdict, 'inconclusive');
  assert.match(r.note ?? '', /reaches both sides of the threshold/);
  assert.ok(r.resolution!.coarserThanThreshold, 'a ±20 % spread cannot resolve 10 %');
  assert.ok(r.resolution!.smallestFirmChange! > 0.1);
  assert.ok(r.resolution!.suggestedRepetitions! > 5);
});

test('an absolute change threshold in µs', () => {
  assert.is(verdict('p50 < +0.2ms', { p50: [1000, 1010, 990, 1005] }, { p50: [1300, 1310, 1290, 1305] }).verdict, 'regression');
  assert.is(verdict('p50 < +0.2ms', { p50: [1000, 1010, 990, 1005] }, { p50: [1050, 1060, 1040, 1055] }).verdict, 'pass');
});

test('a throughput drop of 20 % fails "rps > -5%"; a 1 % drop passes', () => {
  assert.is(verdict('rps > -5%', { rps: [1000, 1002, 998, 1001] }, { rps: [800, 801, 799, 802] }).verdict, 'regression');
  assert.is(verdict('rps > -5%', { rps: [1000, 1002, 998, 1001] }, { rps: [990, 991, 989, 992] }).verdict, 'pass');
});

test('an absolute bound looks at the candidate alone: its median interval (6 values reach 97 %)', () => {
  assert.is(verdict('errors < 0.1%', {}, { errors: [0.005, 0.006, 0.004, 0.005, 0.006, 0.004] }).verdict, 'regression');
  assert.is(verdict('errors < 0.1%', {}, { errors: [0, 0, 0, 0, 0, 0] }).verdict, 'pass');
  assert.is(verdict('errors < 0.1%', {}, { errors: [0, 0, 0] }).verdict, 'inconclusive', '3 values: a 75 % interval');
});

test('a baseline without a valid sample is no data, which fails (it used to be inconclusive, so a gate passed)', () => {
  const r = verdict('p99 < +10%', {}, { p99: [1, 2, 3] });
  assert.is(r.verdict, 'no-data');
  assert.match(r.note ?? '', /the baseline has no valid trial with p99 at istio\/c4/);
  const all = evaluateGates(new Map(), samples({ [key]: { p99: [1, 2, 3] } }), { gates: [parseGate('p99 < +10%', 't')], cells: [cell], inconclusive: 'pass' });
  assert.equal([all.outcome, all.failed], ['no-data', true]);
});

test('a candidate without a valid sample is no data, never a pass', () => {
  const r = verdict('p99 < +10%', { p99: [100, 101, 99] }, {});
  assert.is(r.verdict, 'no-data');
  assert.match(r.note ?? '', /the candidate has no valid trial with p99 at istio\/c4/);
});

test('an archived reference (imported) is a fixed point: the candidate\'s sign-test interval alone', () => {
  const gate = parseGate('p50 < +10%', 'test');
  const b = samples({ [key]: { p50: [100] } });
  const firm = evaluateGate(gate, cell, b, samples({ [key]: { p50: [150, 151, 149, 150, 152, 148] } }), { fixedBaseline: true });
  assert.is(firm.verdict, 'regression');
  assert.match(firm.note ?? '', /its own noise is unknown/);
  const few = evaluateGate(gate, cell, b, samples({ [key]: { p50: [150, 151, 149] } }), { fixedBaseline: true });
  assert.is(few.verdict, 'inconclusive');
  assert.match(few.note ?? '', /3 candidate repetition\(s\) give a 75 % interval/);
});

test('inconclusive is its own outcome: --inconclusive decides only whether it fails', () => {
  const b = samples({ [cellKey('none', 'c4')]: { p99: [100, 130, 90, 110] }, [key]: { p99: [100, 130, 90, 110] } });
  const c = samples({ [cellKey('none', 'c4')]: { p99: [110, 95, 140, 100] }, [key]: { p99: [110, 95, 140, 100] } });
  const gates = [parseGate('istio:p99 < +10%', 't')];
  const cells = [{ mesh: 'none', level: 'c4' }, cell];
  const lenient = evaluateGates(b, c, { gates, cells, inconclusive: 'pass' });
  assert.equal(lenient.results.map((r) => `${r.mesh}:${r.verdict}`), ['istio:inconclusive']);
  assert.equal([lenient.outcome, lenient.failed], ['inconclusive', false]);
  const strict = evaluateGates(b, c, { gates, cells, inconclusive: 'fail' });
  assert.equal([strict.outcome, strict.failed], ['inconclusive', true]);
});

test('a relative change of a zero baseline is no data, not a division by zero', () => {
  assert.is(verdict('errors < +10%', { errors: [0, 0, 0, 0] }, { errors: [0.1, 0.1, 0.1, 0.1] }).verdict, 'no-data');
});

test('a gate on a figure neither side has (sidecar CPU of none) does not apply; a figure one side lacks is no data', () => {
  const noneKey = cellKey('none', 'c4');
  const b = samples({ [noneKey]: { p50: [100, 101, 99, 100] }, [key]: { p50: [300, 301, 299, 300], sidecar_cpu: [0.2, 0.21, 0.2, 0.2] } });
  const c = samples({ [noneKey]: { p50: [100, 101, 99, 100] }, [key]: { p50: [300, 301, 299, 300] } });
  const { results } = evaluateGates(b, c, { gates: [parseGate('sidecar_cpu < +15%', 't')], cells: [{ mesh: 'none', level: 'c4' }, cell], inconclusive: 'pass' });
  assert.equal(results.map((r) => `${r.mesh}:${r.verdict}`), ['istio:no-data']);
});

test.run();
