/**
 * `npm run bench:report`: time to write every report (HTML, Markdown, CSV, JUnit, .hlog) for a
 * 500-trial result. Target: under 2 s.
 */
import { renderReports, REPORT_FORMATS } from '../src/report/index.ts';
import { fakeRun } from '../test/fakes/results.ts';

const result = fakeRun(
  (mesh, rep) => ({ latenciesUs: Array.from({ length: 2_000 }, (_, i) => (mesh === 'none' ? 100 : 300) + ((i * 7919 + rep * 31) % 5_000)), achievedRps: 1000 }),
  { repetitions: 34, load: { connections: [1, 2, 4, 8, 16] } },
);
console.log(`result: ${result.trials.length} trials, ${(JSON.stringify(result).length / 1e6).toFixed(1)} MB of JSON`);
const runs: number[] = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const files = renderReports(result, REPORT_FORMATS);
  runs.push(performance.now() - t0);
  if (i === 0) console.log(`files: ${files.length}, ${(files.reduce((n, f) => n + f.content.length, 0) / 1e6).toFixed(1)} MB`);
}
runs.sort((a, b) => a - b);
console.log(`all reports for ${result.trials.length} trials: median ${runs[2]!.toFixed(0)} ms, best ${runs[0]!.toFixed(0)} ms, worst ${runs[4]!.toFixed(0)} ms over 5 runs (target < 2000 ms)`);
