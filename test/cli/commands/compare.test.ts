/** `bench compare` in-process on result files: exit codes, refusal, rolling baseline, outputs. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../../src/cli/main.ts';
import type { RunResult } from '../../../src/results/model.ts';
import { captureIO } from '../../helpers.ts';
import { fakeRun } from '../../fakes/results.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshbench-compare-'));
const latencies = (centreUs: number, rep: number) => Array.from({ length: 200 }, (_, i) => centreUs + rep * 2 + (i % 10));

function write(name: string, run: RunResult): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'result.json'), JSON.stringify(run));
  return folder;
}

const centre = (mesh: string, istioUs = 400) => (mesh === 'none' ? 100 : mesh === 'istio' ? istioUs : 300);
write('baseline', fakeRun((mesh, rep) => ({ latenciesUs: latencies(centre(mesh), rep), achievedRps: 1000 })));
write('same', { ...fakeRun((mesh, rep) => ({ latenciesUs: latencies(centre(mesh), rep), achievedRps: 1000 })), runId: 'same' });
write('slower', { ...fakeRun((mesh, rep) => ({ latenciesUs: latencies(centre(mesh, 700), rep), achievedRps: 1000 })), runId: 'slower' });

test('no change: every gate passes, exit 0', async () => {
  const io = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'baseline', 'same'], io), 0, io.err());
  assert.match(io.out(), /istio\s+c4\s+p50 < \+10%\s+4\d\d µs\s+4\d\d µs\s+\+0\.0%\s+\[−\d\.\d%, \+\d\.\d%\]\s+pass/);
  assert.match(io.out(), /Gate: pass/);
});

test('istio 300 µs slower: regression on its latency gates, exit 1, Markdown and JUnit written', async () => {
  const io = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'baseline', 'slower/result.json', '--markdown', 'out.md', '--junit', 'out.xml'], io), 1, io.err());
  assert.match(io.out(), /istio\s+c4\s+p50 < \+10%.*REGRESSION/);
  assert.match(io.out(), /none\s+c4\s+p50 < \+10%.*pass/);
  const md = readFileSync(join(dir, 'out.md'), 'utf8');
  assert.match(md, /### meshbench: ❌ regression in fake/);
  assert.match(md, /\| istio \| c4 \| `p50 < \+10%` \| 4\d\d µs \| 7\d\d µs \| \+7\d\.\d% \|.*❌ regression \|/);
  const xml = readFileSync(join(dir, 'out.xml'), 'utf8');
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="meshbench" tests="9" failures="2">/);
  assert.match(xml, /<testcase classname="meshbench\.gate\.istio" name="istio c4: p50 &lt; \+10%"><failure message="regression"/);
  assert.is((xml.match(/<testcase /g) ?? []).length, 9);
});

test('gates from --gate replace the defaults; a bad gate is a usage error (2)', async () => {
  const io = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'baseline', 'slower', '--gate', 'none:p50 < +10%'], io), 0, io.err());
  assert.not.match(io.out(), /istio/);
  const bad = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'baseline', 'slower', '--gate', 'p99 < +10'], bad), 2);
  assert.match(bad.err(), /--gate #1: gate "p99 < \+10": a latency threshold needs a unit/);
});

test('a different scenario is refused (2) and named; --force compares and says so', async () => {
  const other = fakeRun((mesh) => ({ latenciesUs: latencies(centre(mesh), 0), achievedRps: 1000 }));
  write('other', { ...other, runId: 'other', scenarioHash: 'different', environment: { ...other.environment, cpuCount: 64 } });
  const io = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'baseline', 'other'], io), 2);
  assert.match(io.err(), /the baseline and the candidate differ.*\n\s+scenario \(hash of what is measured\): 0 → different\n\s+CPU count: 2 → 64/);
  const forced = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'baseline', 'other', '--force'], forced), 0, forced.err());
  assert.match(forced.out(), /FORCED: CPU count differs: 2 → 64/);
});

test('a folder of past runs is a rolling baseline: the last N completed runs of the same scenario', async () => {
  for (let night = 0; night < 7; night++) {
    const run = fakeRun((mesh, rep) => ({ latenciesUs: latencies(centre(mesh, 400 + night), rep), achievedRps: 1000 }));
    write(`history/night-${night}`, { ...run, runId: `night-${night}`, startedAt: `2026-11-${String(10 + night).padStart(2, '0')}T02:00:00.000Z`, status: night === 6 ? 'interrupted' : 'completed' });
  }
  const io = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'history', 'same', '--baseline-runs', '3'], io), 0, io.err());
  assert.match(io.out(), /median of the last 3 runs/);
  const none = captureIO({ cwd: dir });
  assert.is(await main(['compare', join(dir, 'nothing-here'), 'same'], none), 2);
});

test('a candidate whose trials are all invalid is a regression (exit 1), and the output says why', async () => {
  write('all-invalid', { ...fakeRun((mesh, rep) => ({ latenciesUs: latencies(centre(mesh), rep), achievedRps: 1000, status: 'invalid' })), runId: 'all-invalid' });
  const io = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'baseline', 'all-invalid', '--gate', 'p99 < +10%'], io), 1, io.err());
  assert.match(io.out(), /istio\s+c4\s+p99 < \+10%.*REGRESSION/);
  assert.match(io.out(), /the candidate has no valid trial with p99 at istio\/c4 \(3 invalid, 0 failed\)/);
});

test('two repetitions never give a firm verdict: inconclusive (n < 3), whatever the difference', async () => {
  const two = (istioUs: number) => fakeRun((mesh, rep) => ({ latenciesUs: latencies(centre(mesh, istioUs), rep), achievedRps: 1000 }), { repetitions: 2 });
  write('two-base', { ...two(400), runId: 'two-base' });
  write('two-slow', { ...two(900), runId: 'two-slow' });
  const io = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'two-base', 'two-slow', '--gate', 'istio:p99 < +10%'], io), 0, io.err());
  assert.match(io.out(), /istio\s+c4\s+istio:p99 < \+10%.*inconclusive/);
  assert.match(io.out(), /inconclusive \(n < 3\)|add repetitions/);
  const strict = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'two-base', 'two-slow', '--gate', 'istio:p99 < +10%', '--inconclusive', 'fail'], strict), 1);
});

test('a regressed run stays out of a rolling baseline until a person accepts it', async () => {
  const night = (n: number, istioUs: number) => ({ ...fakeRun((mesh, rep) => ({ latenciesUs: latencies(centre(mesh, istioUs), rep), achievedRps: 1000 })), runId: `r-${n}`, startedAt: `2026-11-0${n}T02:00:00.000Z` });
  for (let n = 1; n <= 3; n++) write(`rolling/r-${n}`, night(n, 400));
  // Night 4 regresses: the gate records it in its result.json.
  write('rolling/r-4', night(4, 900));
  assert.is(await main(['compare', 'rolling', 'rolling/r-4', '--gate', 'istio:p99 < +10%'], captureIO({ cwd: dir })), 1);
  assert.is(JSON.parse(readFileSync(join(dir, 'rolling/r-4/result.json'), 'utf8')).gate.outcome, 'regression');
  // Night 5 is as slow as night 4: still a regression, because night 4 did not join the baseline.
  write('rolling/r-5', night(5, 900));
  const io = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'rolling', 'rolling/r-5', '--gate', 'istio:p99 < +10%'], io), 1, io.out());
  assert.match(io.out(), /median of the last 3 runs/);
  // A person accepts night 4 as the new normal: it may now serve.
  const accept = captureIO({ cwd: dir });
  assert.is(await main(['accept', 'rolling/r-4', '--reason', 'Istio upgrade, accepted'], accept), 0, accept.err());
  assert.is(JSON.parse(readFileSync(join(dir, 'rolling/r-4/result.json'), 'utf8')).gate.acceptedReason, 'Istio upgrade, accepted');
  const after = captureIO({ cwd: dir });
  await main(['compare', 'rolling', 'rolling/r-5', '--gate', 'istio:p99 < +10%'], after);
  assert.match(after.out(), /median of the last 4 runs/);
  assert.is(await main(['accept', 'rolling/r-4'], captureIO({ cwd: dir })), 2, 'accept needs a reason');
});

test('--inconclusive must be pass or fail', async () => {
  const io = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'baseline', 'same', '--inconclusive', 'maybe'], io), 2);
  assert.match(io.err(), /--inconclusive must be pass or fail, not "maybe"/);
});

test('bench run --baseline checks its gate and baseline before starting anything', async () => {
  const io = captureIO({ cwd: dir });
  writeFileSync(join(dir, 'tiny.yaml'), 'name: tiny\nload: { mode: rate, rate: 10 }\n');
  assert.is(await main(['run', 'tiny.yaml', '--baseline', 'baseline', '--gate', 'p99 < 10'], io), 2);
  assert.match(io.err(), /gate "p99 < 10": a latency threshold needs a unit/);
  const missing = captureIO({ cwd: dir });
  assert.is(await main(['run', 'tiny.yaml', '--baseline', 'no-such-folder'], missing), 2);
  assert.match(missing.err(), /no-such-folder: baseline not found/);
});

test.run();
