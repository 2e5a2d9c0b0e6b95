/**
 * `npm run bench:history`: a year of nightly runs of a 3-mesh scenario (none, istio, appmesh; 3
 * repetitions, sidecar CPU and memory recorded) as result.json files, then `bench history` on
 * them. Target: the history built and rendered (html + csv) in under 2 s; the page under 2 MB.
 * Reference, measured in the same run: reading and parsing the same files (JSON.parse alone),
 * the floor any history command pays.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResourceUsage } from '../src/collectors/types.ts';
import { renderHistoryCsv, renderHistoryHtml } from '../src/report/history/index.ts';
import { buildHistory, readRunFolder, selectRuns } from '../src/results/history/index.ts';
import { buildSeries } from '../src/results/history/series.ts';
import { detectChanges } from '../src/results/history/changes.ts';
import { fakeRun } from '../test/fakes/results.ts';

const NIGHTS = 365;
const STEP_AT = 300;
const dir = mkdtempSync(join(tmpdir(), 'meshbench-bench-history-'));
try {
  const sidecar = (pod: string, cores: number): ResourceUsage => ({ pod, container: 'sidecar', role: 'sidecar', cpuCores: cores, cpuCoresMax: cores, memoryBytesAvg: 40e6, memoryBytesMax: 41e6, samples: 10, windowMs: 10_000 });
  for (let night = 0; night < NIGHTS; night++) {
    const added = { none: 0, istio: 400 + (night >= STEP_AT ? 40 : 0), appmesh: 600 };
    const run = fakeRun((mesh, rep) => ({
      latenciesUs: Array.from({ length: 200 }, (_, i) => 300 + added[mesh as keyof typeof added] + ((i * 7919 + rep * 31 + night * 13) % 97)),
      achievedRps: 1000,
      resources: mesh === 'none' ? [] : [sidecar('loadgen', 0.05 + (night % 5) / 1000), sidecar('workload', 0.06)],
    }));
    const startedAt = new Date(Date.UTC(2025, 11, 1) + night * 86_400_000).toISOString();
    const folder = join(dir, `night-${String(night).padStart(3, '0')}`);
    mkdirSync(folder);
    writeFileSync(join(folder, 'result.json'), JSON.stringify({ ...run, runId: `night-${night}`, startedAt }));
  }

  const t0 = performance.now();
  for (const d of readdirSync(dir)) JSON.parse(readFileSync(join(dir, d, 'result.json'), 'utf8'));
  const parseMs = performance.now() - t0;

  const t1 = performance.now();
  const { scenario, runs } = selectRuns(await readRunFolder(dir), dir, {});
  const t2 = performance.now();
  const history = buildHistory(scenario, runs);
  const t3 = performance.now();
  // The two parts of the build, timed apart (buildHistory above did both).
  const series = buildSeries(runs);
  const t3a = performance.now();
  for (const x of series) detectChanges(x, runs);
  const t3b = performance.now();
  console.log(`of which: series points ${(t3a - t3).toFixed(0)} ms (pairedEstimate and spread per run, mesh and level), change points ${(t3b - t3a).toFixed(0)} ms`);
  const t3c = performance.now();
  const html = renderHistoryHtml(history);
  const csv = renderHistoryCsv(history);
  const t4 = performance.now();

  const buildAndRender = t3 - t2 + (t4 - t3c);
  console.log(`${runs.length} runs, ${history.series.length} series, ${history.changePoints.length} change point(s): ${history.changePoints.map((c) => `${c.seriesKey} at night ${c.runIndex}`).join(', ')}`);
  console.log(`reference, read + JSON.parse of the files: ${parseMs.toFixed(0)} ms`);
  console.log(`read + upgrade (readRunFolder): ${(t2 - t1).toFixed(0)} ms (${((t2 - t1) / parseMs).toFixed(2)}× the reference)`);
  console.log(`series + change points: ${(t3 - t2).toFixed(0)} ms; html + csv: ${(t4 - t3c).toFixed(0)} ms`);
  console.log(`built and rendered: ${buildAndRender.toFixed(0)} ms (target < 2000 ms ${buildAndRender < 2000 ? '✔' : '✘'}); whole command without Node start: ${(t2 - t1 + buildAndRender).toFixed(0)} ms`);
  console.log(`history.html ${(html.length / 1e6).toFixed(2)} MB (target < 2 MB ${html.length < 2e6 ? '✔' : '✘'}), history.csv ${(csv.length / 1e6).toFixed(2)} MB`);
  if (!history.changePoints.some((c) => c.seriesKey.startsWith('istio/') && c.seriesKey.endsWith('/p50_added_us') && Math.abs(c.runIndex - STEP_AT) <= 1)) console.log(`✘ the +40 µs step at night ${STEP_AT} was not found`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
