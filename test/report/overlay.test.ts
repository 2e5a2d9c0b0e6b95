/**
 * `bench report RUN1 RUN2 --html`: an App Mesh archive imported from Fortio beside an Istio run,
 * their percentile curves on one chart per level, each from that run's merged histogram.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli/main.ts';
import { formatUs } from '../../src/report/format.ts';
import { overlay } from '../../src/results/overlay.ts';
import { mergedLatency } from '../../src/results/summary.ts';
import type { RunResult } from '../../src/results/model.ts';
import { captureIO, fixture } from '../helpers.ts';
import { fakeRun } from '../fakes/results.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshbench-overlay-'));
const istio = fakeRun((mesh, rep) => ({ latenciesUs: Array.from({ length: 1000 }, (_, i) => (mesh === 'istio' ? 700 : 400) + rep * 5 + (i % 50) + (i > 990 ? 3000 : 0)), achievedRps: 200 }), { meshes: ['none', 'istio'], load: { mode: 'rate', rate: 200, connections: 4 } });
mkdirSync(join(dir, 'istio-run'));
writeFileSync(join(dir, 'istio-run', 'result.json'), JSON.stringify(istio));

test('an imported App Mesh archive and an Istio run, overlaid: one chart at their common level, a curve per run and mesh', async () => {
  const imported = captureIO({ cwd: dir });
  assert.is(await main(['import', fixture('interop/fortio-load.json'), '--mesh', 'appmesh', '--error-budget', '0.02', '--output', 'archive'], imported), 0, imported.err());
  const [archive] = readdirSync(join(dir, 'archive'));
  const io = captureIO({ cwd: dir });
  assert.is(await main(['report', `archive/${archive}/`, 'istio-run/result.json', '--html', 'overlay.html'], io), 0, io.err());
  assert.match(io.out(), /^Wrote overlay\.html \(2 runs overlaid\)\n$/);
  const html = readFileSync(join(dir, 'overlay.html'), 'utf8');
  assert.is((html.match(/<svg class="chart"/g) ?? []).length, 1, 'one level in common: one chart');
  const series = [...html.matchAll(/<path class="series" data-points="(\d+)"[^>]*><title>([^<]+)<\/title>/g)].map((m) => [m[2], Number(m[1])]);
  assert.equal(series.map(([name]) => name), [`archive/${archive} · appmesh`, 'istio-run · none', 'istio-run · istio']);
  assert.ok(series.every(([, n]) => (n as number) > 20), JSON.stringify(series));
  const p99 = formatUs(mergedLatency(istio, 'istio', 'c4-r200')!.getValueAtPercentile(99));
  assert.match(html, new RegExp(`<td>istio-run</td><td>istio \\(fake\\)</td><td class="num">3,000</td><td class="num">[^<]+</td><td class="num">${p99}</td>`));
  assert.match(html, /imported from fortio/);
  assert.match(html, /measured in different environments/);
});

test('two results without --html are refused with the overlay command to use', async () => {
  const io = captureIO({ cwd: dir });
  assert.is(await main(['report', 'istio-run', 'istio-run'], io), 2);
  assert.match(io.err(), /2 results given; the reports are of one run\n\s+hint: overlay them on one page: bench report istio-run istio-run --html overlay\.html/);
});

test('levels that only one run has get their own chart; runs without a valid trial draw nothing', () => {
  const other: RunResult = fakeRun(() => ({ latenciesUs: [500, 600, 700], achievedRps: 100 }), { meshes: ['none'], load: { mode: 'rate', rate: [200, 400], connections: 4 } });
  const o = overlay([{ label: 'a', result: istio }, { label: 'b', result: other }]);
  assert.equal(o.levels.map((l) => [l.id, l.curves.map((c) => `${c.run}/${c.mesh}`)]), [['c4-r200', ['a/none', 'a/istio', 'b/none']], ['c4-r400', ['b/none']]]);
  assert.is(o.levels[0]!.maxPercentile, 100 * (1 - 10 ** -1), 'a curve of 9 samples stops the chart at 90 %');
});

test.run();
