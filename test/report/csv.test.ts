import { parse } from 'csv-parse/sync';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderTrialsCsv, TRIAL_CSV_COLUMNS } from '../../src/report/csv.ts';
import { renderTerminalTable } from '../../src/report/terminal-table.ts';
import { constant, fakeRun } from '../fakes/results.ts';

const run = fakeRun((mesh) => ({ latenciesUs: constant(mesh === 'none' ? 100 : 700), achievedRps: 1234.56 }));

test('results.csv has one row per trial and the documented columns', () => {
  const rows = parse(renderTrialsCsv(run), { columns: true }) as Record<string, string>[];
  assert.is(rows.length, run.trials.length);
  assert.equal(Object.keys(rows[0]!), [...TRIAL_CSV_COLUMNS]);
  assert.is(rows[1]!.mesh, 'istio');
  assert.is(rows[1]!.p50_us, '700');
  assert.is(rows[1]!.achieved_rps, '1234.6');
  assert.is(rows[1]!.mesh_label, 'istio (fake)');
});

test('every column name that is a measure carries its unit', () => {
  const measures = TRIAL_CSV_COLUMNS.filter((c) => /(p\d+|max|mean|duration|cpu|memory|rps)/.test(c));
  const unitless = measures.filter((c) => !/_(us|ms|mib|cores|rps)(_|$)/.test(c));
  assert.equal(unitless, []);
  assert.ok(measures.length >= 20);
});

test('the terminal table shows overhead against none per mesh', () => {
  const table = renderTerminalTable(run);
  assert.match(table, /none \(fake\)\s+c4\s+100 µs\s+baseline/);
  assert.match(table, /istio \(fake\)\s+c4\s+700 µs\s+\+600 µs/);
});

test.run();
