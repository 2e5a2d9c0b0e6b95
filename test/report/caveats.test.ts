/** A run's caveats (here: pods simulated by kwok) are said in every output, and .hlog starts at the window. */
import { parse } from 'csv-parse/sync';
import { HistogramLogReader } from 'hdr-histogram-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderReports } from '../../src/report/index.ts';
import { renderTerminalTable } from '../../src/report/terminal-table.ts';
import { clampedCount, createLatencyHistogram, HIGHEST_US, recordLatencyUs } from '../../src/results/histogram.ts';
import { constant, fakeRun } from '../fakes/results.ts';

const CAVEAT = 'pods were simulated by kwok: this run tests the plumbing, not a mesh';
const base = fakeRun((mesh) => ({ latenciesUs: constant(mesh === 'none' ? 100 : 300), achievedRps: 1000 }));
const run = { ...base, environment: { ...base.environment, caveats: [CAVEAT] } };
const files = Object.fromEntries(renderReports(run, ['html', 'md', 'csv', 'junit', 'hlog']).map((f) => [f.path, f.content]));

test('the caveat is in the terminal table, report.html, summary.md, both CSVs and junit.xml', () => {
  assert.ok(renderTerminalTable(run).includes(`NOTE: ${CAVEAT}`), 'terminal');
  assert.ok(files['report.html']!.includes(CAVEAT), 'report.html');
  assert.ok(files['summary.md']!.includes(CAVEAT), 'summary.md');
  for (const csv of ['results.csv', 'summary.csv']) {
    const rows = parse(files[csv]!, { columns: true }) as Record<string, string>[];
    assert.ok(rows.length > 0 && rows.every((r) => r.caveats === CAVEAT), csv);
  }
  assert.ok(files['junit.xml']!.includes(`<property name="caveat" value="${CAVEAT}"/>`), 'junit.xml');
});

test('.hlog intervals start at each trial\'s measured window, not at its deploy', () => {
  const reader = new HistogramLogReader(files['histograms/istio-c4.hlog']!);
  const h = reader.nextIntervalHistogram();
  // fakeRun: trials start at 00:00:00.000, their windows at 00:00:02.000, as the run itself.
  assert.is(h!.startTimeStampMsec, Date.parse('2026-11-22T00:00:02.000Z'));
});

test('latencies above the 60 s ceiling are counted, not silently clamped', () => {
  const h = createLatencyHistogram();
  for (const us of [1_000, 59_000_000, 61_000_000, 120_000_000]) recordLatencyUs(h, us);
  assert.is(clampedCount([h, createLatencyHistogram()]), 2);
  assert.is(h.getValueAtPercentile(100) >= HIGHEST_US, true);
});

test.run();
