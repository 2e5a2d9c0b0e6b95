/**
 * Every output shows the same figure: one result rendered to the terminal table, summary.csv,
 * summary.md, report.html and junit.xml gives one "P99 added" value and one interval for a mesh.
 */
import { parse } from 'csv-parse/sync';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatSignedUs } from '../../src/report/format.ts';
import { renderReports } from '../../src/report/index.ts';
import { renderTerminalTable } from '../../src/report/terminal-table.ts';
import { findCell, summarizeRun } from '../../src/results/summary.ts';
import { constant, fakeRun } from '../fakes/results.ts';

// Paired differences 600, 300, 900 µs (median 600); the medians of each side differ by 500 µs.
// An output that subtracted medians would show +500 µs and be caught.
const p99 = { none: [100, 300, 200], istio: [700, 600, 1100], appmesh: [400, 500, 450] } as Record<string, number[]>;
const run = fakeRun((mesh, rep) => ({ latenciesUs: constant(p99[mesh]![rep - 1]!), achievedRps: 1000 }));
const files = Object.fromEntries(renderReports(run, ['html', 'md', 'csv', 'junit']).map((f) => [f.path, f.content]));

test('the terminal, summary.csv, summary.md, report.html and junit.xml all show the paired P99 added and its interval', () => {
  const e = findCell(summarizeRun(run), 'istio', 'c4')!.added!.p99Us!;
  assert.is(e.estimate, 600);
  const [value, low, high] = [e.estimate, e.low, e.high].map(formatSignedUs) as [string, string, string];
  // Three pairs: [min, max], which covers the median 75 % of the time; every output says 75 %, none 95 %.
  const interval = `75 % interval ${low} … ${high}, 3 pairs`;

  assert.match(renderTerminalTable(run), new RegExp(`istio \\(fake\\)\\s+c4\\s+\\S+ µs\\s+\\S+ µs \\[[^\\]]+\\] 75 % not firm\\s+\\S+ µs\\s+\\${value} \\[\\${low}, \\${high}\\] 75 % not firm`));

  const csv = (parse(files['summary.csv']!, { columns: true }) as Record<string, string>[]).find((r) => r.mesh === 'istio')!;
  assert.equal([Number(csv.p99_added_us), Number(csv.p99_added_low_us), Number(csv.p99_added_high_us), Number(csv.added_pairs)], [e.estimate, Math.round(e.low), Math.round(e.high), 3]);

  assert.ok(files['summary.md']!.includes(`| P99 latency added | ${value} (${interval}; not firm: needs 6) |`), 'summary.md');
  assert.ok(files['report.html']!.includes(`<td class="num"><span class="fig">${value}</span><span class="ci">${interval}; not firm: needs 6</span></td>`), 'report.html');
  assert.ok(files['junit.xml']!.includes(`P99 added ${value} (${interval}; not firm: needs 6)`), 'junit.xml');
});

test.run();
