/**
 * `npm run bench:gate`: how often the gate cries wolf, and how often it catches a real change.
 * PAIRS A/A pairs (identical scenario twice) and PAIRS pairs whose candidate has the workload's
 * service delay raised by 200 µs, each side a short local run of `none` at 1000 rps. Every pair
 * is disjoint from the others; the first run of A/A pair k is also the baseline of regression
 * pair k. Prints the false regression rate and the detection rate of the gate.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.ts';
import { compareOptions, compareWithBaseline, parseGate, type Comparison } from '../src/results/compare/index.ts';
import { readResult } from '../src/results/store.ts';

const PAIRS = Number(process.env.PAIRS ?? 20);
const REPS = Number(process.env.REPS ?? 5);
const WINDOW = process.env.WINDOW ?? '2s';
const GATE = process.env.GATE ?? 'p50 < +0.1ms';
const INJECTED_US = 200;

const dir = mkdtempSync(join(tmpdir(), 'meshbench-calibration-'));
const scenario = (name: string, delayUs: number) => {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nmeshes: [none]\nworkload:\n  serviceDelay: ${delayUs}us\nload:\n  mode: rate\n  rate: 1000\n  connections: 4\n  warmup: 500ms\n  duration: ${WINDOW}\nrepetitions: ${REPS}\n`);
  return file;
};
const baselineFile = scenario('calibration-a', 0);
const regressedFile = scenario('calibration-b', INJECTED_US);

let runs = 0;
async function run(file: string): Promise<string> {
  const out = join(dir, `run-${runs++}`);
  const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: { CI: 'true' }, cwd: dir, signal: new AbortController().signal };
  const code = await main(['run', file, '--output', out], io);
  if (code !== 0) throw new Error(`run of ${file} exited ${code}`);
  return join(out, readdirSync(out)[0]!, 'result.json');
}

async function judge(baseline: string, candidate: string, force: boolean): Promise<Comparison> {
  return compareWithBaseline(baseline, await readResult(candidate), compareOptions({ gates: [parseGate(GATE, 'calibration')], allowScenarioDiff: force, baselineRuns: 1 }));
}

const tally = { aa: { pass: 0, regression: 0, inconclusive: 0, 'no-data': 0 }, injected: { pass: 0, regression: 0, inconclusive: 0, 'no-data': 0 } };
const started = Date.now();
console.log(`Gate calibration: ${PAIRS} A/A pairs and ${PAIRS} pairs with +${INJECTED_US} µs service delay; gate "${GATE}"; ${REPS} repetitions of ${WINDOW} per run`);
for (let k = 0; k < PAIRS; k++) {
  // Interleaved, so drift on the machine hits both kinds of pair alike.
  const a1 = await run(baselineFile);
  const a2 = await run(baselineFile);
  const b = await run(regressedFile);
  const aa = (await judge(a1, a2, false)).results[0]!;
  const injected = (await judge(a1, b, true)).results[0]!;
  tally.aa[aa.verdict]++;
  tally.injected[injected.verdict]++;
  const show = (r: typeof aa) =>
    r.interval ? `${r.verdict.padEnd(12)} change ${r.interval.estimate.toFixed(0).padStart(4)} µs [${r.interval.low.toFixed(0)}, ${r.interval.high.toFixed(0)}]` : `${r.verdict.padEnd(12)} (${r.note})`;
  console.log(`pair ${String(k + 1).padStart(2)}: A/A ${show(aa)} | injected ${show(injected)}`);
}
const rate = (n: number) => `${n}/${PAIRS} (${((n / PAIRS) * 100).toFixed(0)}%)`;
console.log(`\nA/A: false regressions ${rate(tally.aa.regression)} (target <= 5%); pass ${tally.aa.pass}, inconclusive ${tally.aa.inconclusive}`);
console.log(`Injected +${INJECTED_US} µs: detected ${rate(tally.injected.regression)} (target >= 95%); pass ${tally.injected.pass}, inconclusive ${tally.injected.inconclusive}`);
console.log(`${runs} runs in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
