/**
 * `npm run bench:nightly`: the nightly gate of docs/nightly-ci.md on this machine. NIGHTS runs of
 * the nightly scenario, then tonight's run judged against the rolling baseline of the others,
 * twice: as it is, and with a synthetic regression (istio's latency percentiles × FACTOR, the
 * issue's 25 %). Prints each gate's verdict, its interval with its real level, and the smallest
 * change the run could have called firm: whether the scenario's repetitions can detect the gates'
 * own thresholds here. Only the percentile summaries are scaled (what the gates read); the
 * histograms are left as measured, so the synthetic run's report pages would disagree with it.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.ts';
import type { LatencySummary } from '../src/results/histogram.ts';
import type { RunResult } from '../src/results/model.ts';

const NIGHTS = Number(process.env.NIGHTS ?? 6);
const SCENARIO = process.env.SCENARIO ?? 'scenarios/http-basic.yaml';
const FACTOR = Number(process.env.FACTOR ?? 1.25);
const GATES = ['p50 < +10%', 'p99 < +25%', 'rps > -5%', 'sidecar_cpu < +15%'];

// REUSE=DIR judges the nights of an earlier check again (e.g. with another FACTOR) without running them.
const dir = process.env.REUSE ?? mkdtempSync(join(tmpdir(), 'meshbench-nightly-'));
const io = (lines: string[]) => ({ stdout: { write: (s: string) => (lines.push(s), true) }, stderr: { write: (s: string) => (lines.push(s), true) }, env: { ...process.env, CI: 'true' }, cwd: process.cwd(), signal: new AbortController().signal });

const started = Date.now();
console.log(`Nightly check: ${NIGHTS} runs of ${SCENARIO}, then the last against the others; gates ${GATES.join(', ')}; synthetic regression ×${FACTOR} on istio`);
for (let night = 1; night <= (process.env.REUSE ? 0 : NIGHTS); night++) {
  const out: string[] = [];
  const code = await main(['run', SCENARIO, '--output', join(dir, 'nightly')], io(out));
  const valid = /(\d+) valid/.exec(out.join(''))?.[1];
  console.log(`night ${night}: exit ${code} (${((Date.now() - started) / 60_000).toFixed(1)} min)${valid ? `, ${valid} valid` : ''}`);
}
// Tonight leaves the baseline folder, as in the workflow, where it is judged before it joins it:
// else the synthetic candidate would be judged against a baseline holding tonight's own run.
const runs = readdirSync(join(dir, 'nightly')).sort();
if (!process.env.REUSE) {
  mkdirSync(join(dir, 'tonight'), { recursive: true });
  renameSync(join(dir, 'nightly', runs.at(-1)!), join(dir, 'tonight', runs.at(-1)!));
}
const tonight = join(dir, 'tonight', readdirSync(join(dir, 'tonight'))[0]!, 'result.json');

const scale = (s: LatencySummary): LatencySummary => ({ ...s, p50Us: s.p50Us * FACTOR, p90Us: s.p90Us === null ? null : s.p90Us * FACTOR, p99Us: s.p99Us === null ? null : s.p99Us * FACTOR, p999Us: s.p999Us === null ? null : s.p999Us * FACTOR, maxUs: s.maxUs * FACTOR, meanUs: s.meanUs * FACTOR });
const result = JSON.parse(readFileSync(tonight, 'utf8')) as RunResult;
const regressed: RunResult = {
  ...result,
  runId: `${result.runId}-x${FACTOR}`,
  trials: result.trials.map((t) => (t.trial.mesh === 'istio' && (t.status === 'valid' || t.status === 'invalid') ? { ...t, latency: scale(t.latency), allAttemptsLatency: scale(t.allAttemptsLatency) } : t)),
};
mkdirSync(join(dir, `synthetic-x${FACTOR}`), { recursive: true });
writeFileSync(join(dir, `synthetic-x${FACTOR}`, 'result.json'), JSON.stringify(regressed));

for (const [name, candidate] of [['tonight as measured', tonight], [`tonight with istio's percentiles ×${FACTOR}`, join(dir, `synthetic-x${FACTOR}`)]] as const) {
  const out: string[] = [];
  const code = await main(['compare', join(dir, 'nightly'), candidate, '--baseline-runs', '5', ...GATES.flatMap((g) => ['--gate', g])], io(out));
  console.log(`\n=== ${name}: exit ${code}\n${out.join('')}`);
}
console.log(`${NIGHTS} runs in ${((Date.now() - started) / 60_000).toFixed(1)} min; results in ${dir}`);
