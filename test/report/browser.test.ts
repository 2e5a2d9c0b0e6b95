/**
 * report.html of a real run, opened from file:// in headless Chromium (Debian's, driven by
 * playwright-core): no console error, no network request, every chart drawn, a hostile scenario
 * name shown as text. A screenshot is kept in test-artifacts/report.png.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli/main.ts';
import { captureIO, repoRoot } from '../helpers.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const HOSTILE = '<script>alert(1)</script>';

test('report.html of a real run renders its charts offline and shows a hostile name as text', async () => {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: install it (apt-get install chromium), as .ci/run does, or set CHROMIUM`);
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-browser-'));
  writeFileSync(join(dir, 'hostile.yaml'), `name: "${HOSTILE}"\ndescription: "<img src=x onerror=alert(2)>"\nload: { mode: rate, rate: 500, connections: 2, warmup: 300ms, duration: 1s, schedulerLagLimit: 50ms }\nrepetitions: 1\n`);
  const io = captureIO({ cwd: dir });
  // 3 when a loaded machine left a mesh without a valid trial (the run then says so); the reports are written either way.
  const code = await main(['run', 'hostile.yaml', '--output', 'out'], io);
  assert.ok(code === 0 || (code === 3 && /no valid trial for/.test(io.err())), `exit ${code}: ${io.err()}`);
  // The terminal ends with the headline: a sentence per mesh, then the emulation note.
  const tail = io.out().trimEnd().split('\n').slice(-3);
  // A loaded machine may leave a trial invalid (the scheduler-lag rule): then the sentence says there is no figure.
  assert.match(tail[0]!, /^Istio \(local: Envoy 1\.40 sidecars with Istio's defaults, mTLS\)( (adds|is) .* at P50 and .* at P99 at 500 rps; not firm: 1 pair, a firm figure needs 6\.|: no figure at 500 rps, as no repetition of it was valid beside a valid one of none\.)$/, io.out());
  assert.match(tail[1]!, /^AWS App Mesh \(local: Envoy 1\.40 sidecars with App Mesh's defaults, plaintext\)[ :]/, io.out());
  assert.match(tail[2]!, /^Note: Envoy sidecars configured by meshbench with each mesh's documented defaults, not by its control plane \(Istio, AWS App Mesh\)/);
  const [folder] = readdirSync(join(dir, 'out'));
  const report = join(dir, 'out', folder!, 'report.html');

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    const url = pathToFileURL(report).href;
    page.on('request', (r) => r.url() !== url && requests.push(r.url()));
    await page.goto(url, { waitUntil: 'load' });

    assert.equal(problems, []);
    assert.equal(requests, [], 'the report made network requests');
    assert.is(await page.locator('h1').textContent(), `meshbench: ${HOSTILE}`);
    assert.is(await page.locator('img').count(), 0, 'the description became markup');
    const charts = await page.locator('svg.chart').count();
    assert.ok(charts >= 3, `${charts} charts`);
    const empty = await page.locator('svg.chart').evaluateAll((svgs) =>
      svgs.filter((svg) => {
        const drawn = [...svg.querySelectorAll('.series')].filter((s) => Number(s.getAttribute('data-points')) > 0 && (s as unknown as { getBBox(): { width: number } }).getBBox().width > 0);
        return drawn.length === 0;
      }).length,
    );
    assert.is(empty, 0, 'a chart has no drawn data');
    mkdirSync(join(repoRoot, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(repoRoot, 'test-artifacts', 'report.png'), fullPage: true });
  } finally {
    await browser.close();
  }
});

test.run();
