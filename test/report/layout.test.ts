/// <reference lib="dom" />
/**
 * report.html laid out in headless Chromium at three widths, for the three widest pages
 * (layouts.ts): no table cell overlaps its neighbour, no cell's text runs out of its box, and no
 * table is wider than the page. Boxes come from getBoundingClientRect of each cell and of a Range
 * over the cell's contents, as a reader's eye would see them; no chart label is drawn under 11 px.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderReports } from '../../src/report/index.ts';
import { layouts } from './layouts.ts';
import { renderOverlayHtml } from '../../src/report/html/overlay-page.ts';
import { overlay } from '../../src/results/overlay.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const WIDTHS = [1024, 1400, 1920];

/** Runs in the page: every overlap or overflow, in words. */
function findProblems(): string[] {
  const problems: string[] = [];
  const label = (cell: Element) => `"${(cell.textContent ?? '').trim().slice(0, 40)}"`;
  const pageRight = document.documentElement.clientWidth;
  for (const [t, table] of [...document.querySelectorAll('table')].entries()) {
    const box = table.getBoundingClientRect();
    if (box.right > pageRight + 0.5) problems.push(`table ${t} ends at ${box.right.toFixed(0)} px, past the page's ${pageRight} px`);
    for (const row of table.querySelectorAll('tr')) {
      const cells = [...row.children];
      for (const [i, cell] of cells.entries()) {
        const c = cell.getBoundingClientRect();
        const range = document.createRange();
        range.selectNodeContents(cell);
        const text = range.getBoundingClientRect();
        if (text.width > 0 && (text.left < c.left - 0.5 || text.right > c.right + 0.5)) problems.push(`table ${t}: ${label(cell)} runs out of its cell (text ${text.left.toFixed(0)}-${text.right.toFixed(0)}, cell ${c.left.toFixed(0)}-${c.right.toFixed(0)})`);
        const next = cells[i + 1]?.getBoundingClientRect();
        if (next && c.right > next.left + 0.5) problems.push(`table ${t}: ${label(cell)} overlaps the next cell`);
      }
    }
  }
  // Chart text is sized in the SVG's units: what a reader sees is that times the drawn scale.
  for (const [c, svg] of [...document.querySelectorAll('svg.chart')].entries()) {
    const scale = svg.getBoundingClientRect().width / (svg as SVGSVGElement).viewBox.baseVal.width;
    for (const text of svg.querySelectorAll('text')) {
      const px = Number.parseFloat(getComputedStyle(text).fontSize) * scale;
      if (px < 11) problems.push(`chart ${c}: "${text.textContent}" is drawn at ${px.toFixed(1)} px, under 11`);
    }
  }
  return problems;
}

let browser: Browser;
const pages = new Map<string, string>();

test.before(async () => {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: install it (apt-get install chromium), as .ci/run does, or set CHROMIUM`);
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-layout-'));
  const pageOf = (name: string, html: string) => {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, html);
    pages.set(name, pathToFileURL(file).href);
  };
  for (const l of layouts) pageOf(l.name, renderReports(l.result(), ['html'])[0]!.content);
  // bench report RUN1 RUN2 --html: the overlay page of all three.
  pageOf('overlay', renderOverlayHtml(overlay(layouts.map((l) => ({ label: `results/20261207T120000Z-${l.name}`, result: l.result() })))));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
});

test.after(async () => {
  await browser?.close();
});

for (const l of [...layouts, { name: 'overlay' }]) {
  test(`report.html of ${l.name}: no cell overlaps or overflows, no chart text under 11 px, at ${WIDTHS.join(', ')} px`, async () => {
    const page = await browser.newPage();
    try {
      await page.goto(pages.get(l.name)!, { waitUntil: 'load' });
      const cells = await page.locator('td, th').count();
      assert.ok(cells > (l.name === 'overlay' ? 20 : 50), `only ${cells} cells: the page lost its tables`);
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        const problems = await page.evaluate(findProblems);
        assert.equal(problems, [], `at ${width} px`);
      }
    } finally {
      await page.close();
    }
  });
}

test.run();
