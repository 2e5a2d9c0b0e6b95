/**
 * Opens Fortio-format JSON files in Fortio's own web UI (`fortio report`, its browse page and
 * fortio_chart.js) in headless Chromium, and prints the chart title Fortio makes of each file and
 * how many points it plots; any script error fails. How the export was checked against Fortio's
 * UI (see test/fixtures/interop/README.md); not part of `npm test`, which has no Fortio binary.
 *
 *   node test/report/export/fortio-check/browse.ts FORTIO_BINARY DATA_DIR [PORT]
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

const [fortio, dataDir, port = '18482'] = process.argv.slice(2);
if (!fortio || !dataDir) throw new Error('usage: browse.ts FORTIO_BINARY DATA_DIR [PORT]');
const server = spawn(fortio, ['report', '-data-dir', dataDir, '-http-port', `127.0.0.1:${port}`], { stdio: 'ignore' });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu'] });
let failed = false;
try {
  await sleep(1000);
  for (const file of readdirSync(dataDir).filter((f) => f.endsWith('.json')).sort()) {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(`http://127.0.0.1:${port}/browse?url=${encodeURIComponent(file)}`, { waitUntil: 'load' });
    // fortio_load() fetches the file, then sets the page's globals `res` and `data` and draws.
    await page.waitForFunction('typeof data !== "undefined" && data !== undefined', undefined, { timeout: 10_000 }).catch(() => problems.push('the chart data never appeared'));
    const seen = await page.evaluate('({ title: makeTitle(res), histogramPoints: data.dataH.length, cumulativePoints: data.dataP.length, errorPoints: data.dataE.length })').catch((e: Error) => ({ error: e.message }));
    process.stdout.write(`${file}: ${JSON.stringify(seen)}${problems.length ? ` PROBLEMS ${problems.join('; ')}` : ''}\n`);
    if (problems.length > 0 || 'error' in (seen as object)) failed = true;
    await page.close();
  }
} finally {
  await browser.close();
  server.kill();
}
process.exit(failed ? 1 : 0);
