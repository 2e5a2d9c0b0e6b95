/**
 * The migration scenario as shipped (shorter windows and one rate, so the test stays short): a
 * real local run whose report.html opens, in headless Chromium, with the decision: a verdict for
 * each migration gate, the claims beside the measurements, and what the page does not show.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, stringify } from 'yaml';
import { main } from '../../src/cli/main.ts';
import type { RunResult } from '../../src/results/model.ts';
import { captureIO, repoRoot } from '../helpers.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

test('bench run of the migration scenario: every cross-mesh gate judged at the top of report.html', async () => {
  const shipped = parse(readFileSync(join(repoRoot, 'scenarios/migrate-appmesh-to-istio.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
  const scenario = { ...shipped, repetitions: 3, load: { ...shipped.load, rate: 200, warmup: '300ms', duration: '1s', schedulerLagLimit: '50ms' } };
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-migration-'));
  writeFileSync(join(dir, 'migration.yaml'), stringify(scenario));
  const io = captureIO({ cwd: dir });
  const code = await main(['run', 'migration.yaml', '--output', 'out'], io);
  // Exit 0 or 1: a firm regression (or no data) of a migration gate is a legitimate answer on this
  // machine; 3 when a loaded machine left a mesh without a valid trial, which the run says.
  assert.ok(code === 0 || code === 1 || (code === 3 && /no valid trial for/.test(io.err())), `exit ${code}: ${io.err()}`);
  const folder = join(dir, 'out', readdirSync(join(dir, 'out'))[0]!);
  const result = JSON.parse(readFileSync(join(folder, 'result.json'), 'utf8')) as RunResult;
  const gates = (shipped.gates as unknown as string[]).filter((g) => /:[a-z_0-9]+ *[<>] *[a-z0-9-]+:/.test(g));
  assert.ok(gates.length >= 2, 'the shipped scenario carries cross-mesh gates');
  assert.match(io.out(), /The decision \(cross-mesh gates of the scenario\):/);

  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: ./scripts/setup.sh --test installs it`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(join(folder, 'report.html')).href, { waitUntil: 'load' });
    assert.equal(errors, []);
    assert.is(await page.locator('h2').first().textContent(), '1. The decision');
    const verdicts = await page.locator('ul.decision li').allTextContents();
    for (const gate of gates) {
      const [left] = gate.split(/\s*[<>]/);
      const [mesh, metric] = left!.split(':');
      const words = metric === 'p99' ? 'P99' : metric === 'p50' ? 'P50' : 'sidecar CPU';
      assert.ok(verdicts.some((v) => v.startsWith(`${mesh} ${words} at c4-r200`) && /(pass|regression|inconclusive|no-data)$/.test(v)), `no verdict for ${gate} in ${JSON.stringify(verdicts)}`);
    }
    const section = (await page.locator('section').first().textContent()) ?? '';
    assert.match(section, /Claimed and measured/);
    assert.match(section, /istio P50 added at c4-r200: claimed 2\.00 ms … 5\.00 ms/);
    assert.match(section, /What this page does not show/);
    assert.match(section, /Local Envoy sidecars, not the meshes' own deployments/);
    assert.match(section, new RegExp(`Machine: .*${result.environment.cpuCount} cores`));
  } finally {
    await browser.close();
  }
});

test.run();
