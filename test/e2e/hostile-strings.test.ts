/**
 * Every string that comes from the user or the environment is escaped by every report: a result
 * whose scenario name, description, mesh display names, mesh labels and environment all hold
 * hostile strings (markup, a comment breaking out into an attribute handler,
 * a spreadsheet formula, an XML CDATA end). The HTML is opened in headless Chromium, where
 * nothing may run; the XML is parsed by Chromium's own parser; the CSV by csv-parse.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { chromium, type Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderComparisonJunit } from '../../src/report/compare-junit.ts';
import { renderComparisonMarkdown } from '../../src/report/compare-markdown.ts';
import { REPORT_FORMATS, renderReports } from '../../src/report/index.ts';
import { compareOptions, compareWithBaseline } from '../../src/results/compare/index.ts';
import type { RunResult } from '../../src/results/model.ts';
import { ScenarioError } from '../../src/errors.ts';
import { parseGate } from '../../src/scenario/gates.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import { fakeRun } from '../fakes/results.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const H = {
  script: `<script>window.__pwned='script'</script>`,
  comment: `"--><img src=x onerror="window.__pwned='img'">`,
  formula: '=HYPERLINK("http://evil.example/","click")',
  cdata: ']]><pwned>cdata</pwned>',
};
const ALL = Object.values(H).join(' ');

function hostileResult(): RunResult {
  const result = fakeRun(() => ({ latenciesUs: [100, 120, 150, 900], achievedRps: 100 }), {
    name: `${H.script}${H.comment}`,
    description: ALL,
    meshes: ['none', 'hostile'],
    customMeshes: { hostile: { displayName: `${H.formula}${H.script}`, dataPlaneContainers: ['proxy'] } },
    // Gates are parsed before a run (a hostile one is refused: see the last test); these name the hostile mesh.
    gates: ['p99 < +10%', 'hostile:p99 < +10%'],
  });
  // A label that starts with the formula, as a spreadsheet would run it.
  for (const t of result.trials) if (t.status !== 'aborted') t.meshLabel = t.mesh === 'hostile' ? `${H.formula} ${H.comment}${H.cdata}` : `${t.mesh} ${H.comment}${H.cdata}`;
  result.environment = { ...result.environment, hostname: ALL, cpuModel: H.formula, components: { [H.script]: H.cdata } };
  return result;
}

async function withBrowser(fn: (page: Page, problems: string[]) => Promise<void>): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await fn(page, problems);
  } finally {
    await browser.close();
  }
}

/** Parses XML in Chromium: null when well-formed, else the parser's complaint. */
async function xmlProblem(page: Page, xml: string): Promise<string | null> {
  return page.evaluate((text) => {
    // Runs in the page; the repository's types know Node only.
    type XmlDoc = { querySelector(s: string): { textContent: string | null } | null };
    const { DOMParser } = globalThis as unknown as { DOMParser: new () => { parseFromString(t: string, type: string): XmlDoc } };
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    const error = doc.querySelector('parsererror');
    if (error) return error.textContent;
    return doc.querySelector('pwned') ? 'a hostile string became an element' : null;
  }, xml);
}

/** Markdown: markup only as `\<`, never a raw tag; every table row keeps its column count. */
function markdownProblems(md: string, name: string): string[] {
  const problems: string[] = [];
  if (/(?<!\\)<(script|img|pwned)/i.test(md)) problems.push(`${name}: a raw tag: ${/.{0,40}(?<!\\)<(script|img|pwned).{0,40}/i.exec(md)?.[0]}`);
  for (const table of md.split(/\n(?!\|)/).filter((b) => b.startsWith('|'))) {
    const lines = table.split('\n').filter((l) => l.startsWith('|'));
    const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    if (lines.some((l) => cells(l) !== cells(lines[0]!))) problems.push(`${name}: a table row with a different number of cells`);
  }
  return problems;
}

/** CSV: parses, every row as wide as the header, no cell that a spreadsheet would run. */
function csvProblems(csv: string, name: string): string[] {
  const rows = parse(csv, { relax_column_count: true }) as string[][];
  const problems: string[] = [];
  if (rows.some((r) => r.length !== rows[0]!.length)) problems.push(`${name}: rows of different widths`);
  for (const cell of rows.flat()) if (/^[=+@]/.test(cell) || /^-[^0-9.]/.test(cell)) problems.push(`${name}: a formula cell: ${cell.slice(0, 60)}`);
  return problems;
}

test('HTML, Markdown, CSV and JUnit escape every hostile string; in Chromium nothing executes', async () => {
  const result = hostileResult();
  const files = renderReports(result, REPORT_FORMATS);
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-hostile-'));
  const problems: string[] = [];

  // The hostile strings reach every report (else this test would pass on nothing).
  for (const f of files.filter((f) => /\.(md|csv|xml|html)$/.test(f.path))) assert.match(f.content, /pwned/, `${f.path} shows none of the hostile strings`);
  assert.match(files.find((f) => f.path === 'results.csv')!.content, /HYPERLINK/);
  for (const f of files.filter((f) => f.path.endsWith('.md'))) problems.push(...markdownProblems(f.content, f.path));
  for (const f of files.filter((f) => f.path.endsWith('.csv'))) problems.push(...csvProblems(f.content, f.path));

  // A comparison of the run with a copy of itself (another run id: a run with itself is refused), its baseline in a folder with a hostile name.
  const baselineDir = join(dir, `${H.comment}${H.cdata}`.replace(/\//g, '_'));
  mkdirSync(baselineDir);
  writeFileSync(join(baselineDir, 'result.json'), JSON.stringify({ ...result, runId: `${result.runId}-copy` }));
  const comparison = await compareWithBaseline(join(baselineDir, 'result.json'), result, compareOptions({ gates: [parseGate('p99 < +10%', 'test')], allowEnvDiff: true, allowScenarioDiff: true, baselineRuns: 1 }));
  problems.push(...markdownProblems(renderComparisonMarkdown(comparison), 'compare.md'));

  await withBrowser(async (page, pageProblems) => {
    const html = files.find((f) => f.path === 'report.html')!;
    writeFileSync(join(dir, 'report.html'), html.content);
    await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });
    await page.waitForTimeout(300);
    const pwned = await page.evaluate(() => (globalThis as unknown as { __pwned?: string }).__pwned ?? null);
    if (pwned) problems.push(`report.html: injected ${pwned} ran`);
    const injected = await page.locator('img, pwned, script').evaluateAll((els) => els.filter((e) => /__pwned/.test(e.outerHTML)).map((e) => e.outerHTML.slice(0, 80)));
    problems.push(...injected.map((e) => `report.html: hostile markup became an element: ${e}`));
    const text = await page.evaluate(() => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText);
    if (!text.includes(H.script)) problems.push('report.html: the hostile name is not shown as text');
    problems.push(...pageProblems.map((p) => `report.html: ${p}`));
    for (const f of files.filter((f) => f.path.endsWith('.xml'))) {
      const complaint = await xmlProblem(page, f.content);
      if (complaint) problems.push(`${f.path}: ${complaint}`);
    }
    const complaint = await xmlProblem(page, renderComparisonJunit(comparison));
    if (complaint) problems.push(`compare.junit.xml: ${complaint}`);
  });
  assert.equal(problems, [], problems.join('\n'));
});

test('the checks above catch unescaped output', async () => {
  assert.ok(markdownProblems(`## ${H.script}`, 'x').length > 0);
  assert.ok(markdownProblems('| a | b |\n|---|---|\n| c | d|e |\n', 'x').length > 0);
  assert.ok(csvProblems(`mesh,label\nnone,"${H.formula.replace(/"/g, '""')}"\n`, 'x').length > 0);
  await withBrowser(async (page, problems) => {
    assert.ok(await xmlProblem(page, `<a><![CDATA[x${H.cdata}]]></a>`));
    await page.setContent(`<p>${H.comment}</p>`);
    await page.waitForTimeout(100);
    assert.is(await page.evaluate(() => (globalThis as unknown as { __pwned?: string }).__pwned), 'img');
    assert.equal(problems, []);
  });
});

test('a hostile gate expression never reaches a report: the scenario is refused', () => {
  for (const gate of Object.values(H)) {
    const yaml = `name: gated\ngates:\n  - ${JSON.stringify(gate)}\n`;
    assert.throws(() => parseScenario(yaml, 'gated.yaml'), (e: ScenarioError) => e instanceof ScenarioError && /not a gate expression/.test(e.issues[0]!.what));
  }
});

test.run();
