import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../../src/errors.ts';
import { importText } from '../../../src/results/import/index.ts';
import { groupByLevel, levelOf, parseLevel } from '../../../src/results/import/levels.ts';
import { readInterop } from './helpers.ts';

const fortio = importText(readInterop('fortio-load.json'), 'fortio-load.json');
const fortio1000 = importText(readInterop('fortio-default-resolution.json'), 'fortio-default-resolution.json');
const wrk2 = importText(readInterop('wrk2-latency.txt'), 'wrk2-latency.txt');
const k6 = importText(readInterop('k6-summary.json'), 'k6-summary.json');

function usageError(f: () => unknown): UsageError {
  try {
    f();
  } catch (e) {
    assert.instance(e, UsageError);
    return e as UsageError;
  }
  throw new Error('expected a UsageError');
}

test('levels are named as bench run names them', () => {
  assert.equal(parseLevel('c4-r1000'), { id: 'c4-r1000', connections: 4, targetRps: 1000 });
  assert.equal(parseLevel('c16'), { id: 'c16', connections: 16, targetRps: null });
  for (const bad of ['4-r1000', 'c0', 'c4-1000', 'c4-r', 'c4 r1000']) assert.is(usageError(() => parseLevel(bad)).where, '--level', bad);
});

test('Fortio files carry their level; files of one level are its repetitions, in order', () => {
  assert.equal(levelOf(fortio, null), { id: 'c4-r200', connections: 4, targetRps: 200 });
  const groups = groupByLevel([fortio, fortio1000, fortio], null);
  assert.equal(groups.map((g) => [g.level.id, g.repetitions.length]), [['c4-r200', 2], ['c8-r1000', 1]]);
});

test('wrk2 (no rate printed) takes --level; k6 (no connections) needs it', () => {
  assert.equal(levelOf(wrk2, parseLevel('c8-r500')).id, 'c8-r500');
  assert.match(usageError(() => levelOf(wrk2, null)).what, /wrk2 does not record the rate it was asked for/);
  const e = usageError(() => levelOf(k6, null));
  assert.is(e.where, 'k6-summary.json');
  assert.match(e.fix!, /--level c<connections>-r<rate>/);
  assert.is(levelOf(k6, parseLevel('c8-r200')).id, 'c8-r200');
});

test('a file that contradicts --level is refused, not relabelled', () => {
  const e = usageError(() => groupByLevel([fortio], parseLevel('c8-r200')));
  assert.is(e.where, 'fortio-load.json');
  assert.match(e.what, /ran at c4-r200 .* not at --level c8-r200/);
  assert.match(usageError(() => levelOf(wrk2, parseLevel('c4-r500'))).what, /8 connections/);
  // Fortio records "max" as its rate: an unthrottled run is not an open-loop level.
  const max = importText(readInterop('fortio-load.json').replace('"RequestedQPS": "200"', '"RequestedQPS": "max"'), 'max.json');
  assert.match(usageError(() => levelOf(max, parseLevel('c4-r200'))).what, /max target rate/);
  assert.is(levelOf(max, parseLevel('c4')).id, 'c4');
});

test.run();
