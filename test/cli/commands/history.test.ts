/**
 * `bench history` on a folder of result.json files as `bench run --output` lays them out, opened in
 * headless Chromium; and the nightly step line from the same kind of folder. The runs are made by
 * the result fakes: a history needs a dozen nights and more, and a real run takes ~25 s here (the
 * page of 14 real runs is docs/images/history.png, made by hand as docs/nightly-ci.md says).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { chromium } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../../src/cli/main.ts';
import type { RunResult } from '../../../src/results/model.ts';
import { stepLinesForRun } from '../../../src/results/history/index.ts';
import { captureIO } from '../../helpers.ts';
import { fakeHistory, normal } from '../../results/history/fake-history.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Writes each run as DIR/<time>-<scenario>-<run>/result.json; returns the files. */
function writeRuns(dir: string, runs: readonly RunResult[]): string[] {
  return runs.map((r) => {
    const folder = join(dir, `${r.startedAt.replace(/[-:.]/g, '')}-${r.scenario.name}-${r.runId}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'result.json'), JSON.stringify(r));
    return join(folder, 'result.json');
  });
}

const draw = normal(77);
const wobble = Array.from({ length: 16 }, () => Math.round(draw() * 10));
const nights = fakeHistory(16, (i) => 400 + wobble[i]! + (i >= 10 ? 120 : 0), { environment: (i) => (i >= 10 ? { components: { haproxy: '2.8.5' } } : {}) });

test('bench history: scenario choice, the page and the CSV with the change point at night 11, checked in Chromium', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-history-cli-'));
  const other = { ...nights[0]!, runId: 'other-1', scenario: { ...nights[0]!.scenario, name: 'other' } };
  writeRuns(join(dir, 'out'), [...nights, other]);
  const io = captureIO({ cwd: dir });
  assert.is(await main(['history', 'out'], io), 2);
  assert.match(io.err(), /several scenarios[\s\S]*--scenario NAME: fake \(16 runs\), other \(1 runs\)/);

  const ok = captureIO({ cwd: dir });
  assert.is(await main(['history', 'out', '--scenario', 'fake', '--html', 'h.html', '--csv', 'h.csv'], ok), 0, ok.err());
  assert.match(ok.out(), /^16 run\(s\) of fake from 2026-11-01 to 2026-11-16/);
  assert.match(ok.out(), /2026-11-11 {2}istio P99 added over no mesh at c4: \+1\d\d µs .* runs run-10 → run-11, p = 0\.0\d\d; differs: haproxy version 2\.6\.12 → 2\.8\.5/);
  const rows = parse(readFileSync(join(dir, 'h.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.equal(rows.filter((r) => r['metric'] === 'p99_added_us' && r['change_point'] === '1').map((r) => r['run_id']), ['run-11']);

  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: install it (apt-get install chromium), as .ci/run does, or set CHROMIUM`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    const url = pathToFileURL(join(dir, 'h.html')).href;
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => r.url() !== url && requests.push(r.url()));
    await page.goto(url, { waitUntil: 'load' });
    assert.equal(problems, []);
    assert.equal(requests, [], 'the page made network requests');
    const line = page.locator('line.change-point[data-series="istio/c4/p99_added_us"]');
    assert.is(await line.count(), 1);
    assert.is(await line.getAttribute('data-run'), 'run-11');
    const box = (await line.boundingBox())!;
    // Between night 10 and night 11 of 16: the chart's x runs over nights 1..16.
    const chart = (await page.locator('svg.trend[aria-label="P99 added over no mesh at c4"]').boundingBox())!;
    const share = (box.x - chart.x) / chart.width;
    assert.ok(share > 0.6 && share < 0.7, `change point drawn at ${share.toFixed(2)} of the chart's width`);
    const charts = await page.locator('svg.trend').count();
    assert.is(charts, 3, 'P50 added, P99 added, rps (the fakes record no CPU or memory)');
    assert.is(await page.locator('path.env-change[data-run="run-11"]').count(), charts, 'the haproxy change marked on each chart');
  } finally {
    await browser.close();
  }
});

test('bench history: clear errors for a missing folder and an empty window', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-history-cli-'));
  writeRuns(join(dir, 'out'), nights.slice(0, 3));
  const missing = captureIO({ cwd: dir });
  assert.is(await main(['history', 'nowhere'], missing), 2);
  assert.match(missing.err(), /results folder not readable \(ENOENT\)/);
  const old = captureIO({ cwd: dir });
  assert.is(await main(['history', 'out', '--since', '3d'], old), 2, 'the fake nights are in November 2026, older than 3 days');
  assert.match(old.err(), /widen --since/);
});

test('the nightly line from a folder: tonight in a step that began 4 nights ago', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-history-nightly-'));
  const runs = fakeHistory(14, (i) => 400 + wobble[i]! + (i >= 10 ? 120 : 0));
  const files = writeRuns(dir, runs);
  const lines = await stepLinesForRun(dir, runs.at(-1)!);
  assert.ok(lines.some((l) => /^a step of \+\d+ % in istio P99 added over no mesh at c4 since 2026-11-1[012] \(run run-1[012], /.test(l)), lines.join('\n'));
  assert.equal(await stepLinesForRun(files.at(-2)!, runs.at(-1)!), [], 'a single result file as baseline: no history, no line');
});

test.run();
