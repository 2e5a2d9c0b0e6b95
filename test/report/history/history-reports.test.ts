/** history.html and history.csv from a synthetic history: the change point where it is, every figure as computed. */
import { parse } from 'csv-parse/sync';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderHistoryCsv, renderHistoryHtml, HISTORY_CSV_COLUMNS, renderHistoryText } from '../../../src/report/history/index.ts';
import { buildHistory } from '../../../src/results/history/index.ts';
import { fakeHistory, night, normal } from '../../results/history/fake-history.ts';

const draw = normal(21);
const wobble = Array.from({ length: 24 }, () => Math.round(draw() * 8));
const runs = fakeHistory(24, (i) => 300 + wobble[i]! + (i >= 14 ? 150 : 0), {
  environment: (i) => (i >= 14 ? { kernel: '6.12.9' } : {}),
  gate: (i) => (i === 14 ? { outcome: 'regression', baseline: 'nightly', at: night(i) } : i === 15 ? { outcome: 'inconclusive', baseline: 'nightly', at: night(i) } : i > 0 ? { outcome: 'pass', baseline: 'nightly', at: night(i) } : null),
});
const history = buildHistory('fake <b>x</b>', runs);
const cp = history.changePoints.find((c) => c.seriesKey === 'istio/c4/p99_added_us')!;

test('the synthetic step is found at night 14 (the fixture the page tests stand on)', () => {
  assert.ok(cp, JSON.stringify(history.changePoints));
  assert.is(cp.runIndex, 14);
});

test('history.html: a change-point line at the run, its table row with step and environment, gate marks, escaped names, no script', () => {
  const html = renderHistoryHtml(history);
  assert.ok(html.includes(`class="change-point" data-series="istio/c4/p99_added_us" data-run="${cp.runIdAfter}"`));
  assert.match(html, new RegExp(`<tr class="change worse" data-series="istio/c4/p99_added_us" data-run="${cp.runIdAfter}">.*kernel: k → 6\\.12\\.9`));
  assert.ok(html.includes('class="gate gate-regression"') && html.includes('class="gate gate-inconclusive"') && html.includes('class="gate gate-pass"'));
  assert.ok(html.includes('class="env-change" data-run="run-15"'), 'the kernel change is marked on its run');
  assert.ok(html.includes('fake &lt;b&gt;x&lt;/b&gt;') && !html.includes('<b>x</b>'));
  assert.not.match(html, /<script|\b(src|href)=/, 'no script, nothing fetched');
  assert.match(html, /at most 5 % of series without a change show a change point/);
});

test('history.csv: one row per series and run, the change point on its run with the same step as the model', () => {
  const rows = parse(renderHistoryCsv(history), { columns: true }) as Record<string, string>[];
  assert.equal(Object.keys(rows[0]!), [...HISTORY_CSV_COLUMNS]);
  assert.is(rows.length, history.series.reduce((n, s) => n + s.points.filter((p) => p !== null).length, 0));
  const marked = rows.filter((r) => r['change_point'] === '1' && r['metric'] === 'p99_added_us');
  assert.equal(marked.map((r) => r['run_id']), history.changePoints.filter((c) => c.seriesKey === cp.seriesKey).map((c) => c.runIdAfter));
  assert.is(marked[0]!['run_id'], cp.runIdAfter);
  assert.is(Number(marked[0]!['step']), Number(cp.step.estimate.toPrecision(6)));
  assert.is(marked[0]!['gate'], 'regression');
  assert.is(marked[0]!['environment_changes'], 'kernel: k -> 6.12.9');
  const first = rows.find((r) => r['metric'] === 'p99_added_us' && r['run_index'] === '1')!;
  assert.is(Number(first['value']), history.series.find((s) => s.key === 'istio/c4/p99_added_us')!.points[0]!.value);
});

test('the terminal summary names each change point with its step and what differs', () => {
  const text = renderHistoryText(history);
  assert.match(text, /^24 run\(s\) of fake <b>x<\/b> from 2026-11-01 to 2026-11-24/);
  assert.match(text, /2026-11-15 {2}istio P99 added over no mesh at c4: \+1\d\d µs \[.*\] \(\+\d+\.\d%\), runs run-14 → run-15, p = 0\.0\d\d; differs: kernel k → 6\.12\.9/);
});

test.run();
