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
// Four repetitions a side: two samples of 4 reach a 97.1 % interval (3 against 3 only 90 %).
const REPS = { repetitions: 4 };
write('baseline', fakeRun((mesh, rep) => ({ latenciesUs: latencies(centre(mesh), rep), achievedRps: 1000 }), REPS));
write('same', { ...fakeRun((mesh, rep) => ({ latenciesUs: latencies(centre(mesh), rep), achievedRps: 1000 }), REPS), runId: 'same' });
write('slower', { ...fakeRun((mesh, rep) => ({ latenciesUs: latencies(centre(mesh, 700), rep), achievedRps: 1000 }), REPS), runId: 'slower' });

test('no change: every gate passes, exit 0', async () => {
  const io = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'baseline', 'same'], io), 0, io.err());
  assert.match(io.out(), /istio\s+c4\s+p50 < \+10%\s+4\d\d µs\s+4\d\d µs\s+[+−]0\.0%\s+\[−\d\.\d%, \+\d\.\d%\] 97\.1 %\s+pass/);
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
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="meshbench" tests="9" failures="2" skipped="0">/);
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

test('a different scenario is refused (2) and named; the two --allow flags compare and say so; --force says it was split', async () => {
  const other = fakeRun((mesh) => ({ latenciesUs: latencies(centre(mesh), 0), achievedRps: 1000 }), REPS);
  write('other', { ...other, runId: 'other', scenarioHash: 'different', environment: { ...other.environment, cpuCount: 64 } });
  const io = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'baseline', 'other'], io), 2);
  assert.match(io.err(), /the baseline and the candidate differ.*\n\s+scenario \(hash of what is measured\): 0 → different\n\s+CPU count: 2 → 64/);
  assert.match(io.err(), /--allow-scenario-diff --allow-env-diff/);
  const envOnly = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'baseline', 'other', '--allow-env-diff'], envOnly), 2, 'the scenario still differs');
  const waived = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'baseline', 'other', '--allow-env-diff', '--allow-scenario-diff'], waived), 0, waived.err());
  assert.match(waived.out(), /WAIVED: CPU count differs: 2 → 64/);
  const force = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'baseline', 'other', '--force'], force), 2);
  assert.match(force.err(), /--force was split in two.*\n.*--allow-env-diff.*--allow-scenario-diff/s);
});

test('a folder of past runs is a rolling baseline: the last N completed runs of the same scenario', async () => {
  for (let night = 0; night < 7; night++) {
    const run = fakeRun((mesh, rep) => ({ latenciesUs: latencies(centre(mesh, 400 + night), rep), achievedRps: 1000 }), REPS);
    write(`history/night-${night}`, { ...run, runId: `night-${night}`, startedAt: `2026-11-${String(10 + night).padStart(2, '0')}T02:00:00.000Z`, status: night === 6 ? 'interrupted' : 'completed' });
  }
  const io = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'history', 'same', '--baseline-runs', '3'], io), 0, io.err());
  assert.match(io.out(), /median of the last 3 runs/);
  const none = captureIO({ cwd: dir });
  assert.is(await main(['compare', join(dir, 'nothing-here'), 'same'], none), 2);
});

test('a candidate whose trials are all invalid is no data (exit 1), and the output says why', async () => {
  write('all-invalid', { ...fakeRun((mesh, rep) => ({ latenciesUs: latencies(centre(mesh), rep), achievedRps: 1000, status: 'invalid' }), REPS), runId: 'all-invalid' });
  const io = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'baseline', 'all-invalid', '--gate', 'p99 < +10%'], io), 1, io.err());
  assert.match(io.out(), /istio\s+c4\s+p99 < \+10%.*NO DATA/);
  assert.match(io.out(), /the candidate has no valid trial with p99 at istio\/c4 \(4 invalid, 0 failed\)/);
  assert.match(io.out(), /Gate: NO DATA/);
});

test('a baseline whose trials are all invalid is no data, which fails: it can never make every later gate pass', async () => {
  write('invalid-base', { ...fakeRun((mesh, rep) => ({ latenciesUs: latencies(centre(mesh), rep), achievedRps: 1000, status: 'invalid' }), REPS), runId: 'invalid-base' });
  const io = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'invalid-base', 'same', '--gate', 'p99 < +10%'], io), 1, io.out());
  assert.match(io.out(), /the baseline has no valid trial with p99/);
  assert.not.match(io.out(), /Gate: pass/);
});

test('a 25 % regression that 3 repetitions cannot pin down: inconclusive everywhere, never ✅, and it says what the run could detect', async () => {
  const three = (istioUs: number, id: string) => ({ ...fakeRun((mesh, rep) => ({ latenciesUs: latencies(centre(mesh, istioUs), rep * 10), achievedRps: 1000 })), runId: id });
  write('three-base', three(400, 'three-base'));
  write('three-slow', three(500, 'three-slow'));
  const io = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'three-base', 'three-slow', '--gate', 'istio:p99 < +10%', '--markdown', 'inc.md', '--junit', 'inc.xml'], io), 0, io.err());
  assert.match(io.out(), /istio\s+c4\s+istio:p99 < \+10%\s.*\+2\d\.\d%.*90 %\s+inconclusive/);
  assert.match(io.out(), /3 baseline and 3 candidate sample\(s\) give a 90 % interval, short of the 95 % asked/);
  assert.match(io.out(), /this run cannot call any change firm at 95 %: use about \d+ repetitions or more/);
  assert.match(io.out(), /Gate: INCONCLUSIVE, not a pass \(exit 0: --inconclusive pass, the default\)/);
  const md = readFileSync(join(dir, 'inc.md'), 'utf8');
  assert.match(md, /### meshbench: ⚠️ inconclusive: could not tell in fake/);
  assert.not.match(md, /✅/);
  const xml = readFileSync(join(dir, 'inc.xml'), 'utf8');
  assert.match(xml, /failures="0" skipped="1"/);
  assert.match(xml, /<skipped message="inconclusive: .*short of the 95 % asked/);
  const strict = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'three-base', 'three-slow', '--gate', 'istio:p99 < +10%', '--inconclusive', 'fail'], strict), 1);
  assert.match(strict.out(), /Gate: INCONCLUSIVE, not a pass \(exit 1: --inconclusive fail\)/);
});

test('an ad-hoc compare writes nothing; --record writes every verdict; a run against itself is refused', async () => {
  const before = readFileSync(join(dir, 'slower/result.json'), 'utf8');
  assert.is(await main(['compare', 'baseline', 'slower'], captureIO({ cwd: dir })), 1);
  assert.is(readFileSync(join(dir, 'slower/result.json'), 'utf8'), before, 'an exploratory compare leaves result.json as it was');
  assert.is(await main(['compare', 'baseline', 'slower', '--record'], captureIO({ cwd: dir })), 1);
  const gate = JSON.parse(readFileSync(join(dir, 'slower/result.json'), 'utf8')).gate;
  assert.is(gate.outcome, 'regression');
  assert.ok(gate.verdicts.some((v: { mesh: string; verdict: string; source: string }) => v.mesh === 'istio' && v.verdict === 'regression' && v.source === 'baseline'));
  const self = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'same', 'same'], self), 2);
  assert.match(self.err(), /the baseline is the candidate itself \(run same\)/);
});

test('a rolling baseline leaves out runs of another machine and lists them: --baseline-runs 3 and 5 agree', async () => {
  const night = (n: number, istioUs: number, platform = 'local') => {
    const run = fakeRun((mesh, rep) => ({ latenciesUs: latencies(centre(mesh, istioUs), rep), achievedRps: 1000 }), REPS);
    return { ...run, runId: `m-${n}`, startedAt: `2026-11-0${n}T02:00:00.000Z`, environment: { ...run.environment, platform } };
  };
  // Two older runs on another platform, much faster; three on this machine.
  write('mixed/m-1', night(1, 200, 'kubernetes'));
  write('mixed/m-2', night(2, 200, 'kubernetes'));
  for (let n = 3; n <= 5; n++) write(`mixed/m-${n}`, night(n, 400));
  write('tonight', { ...night(6, 400), runId: 'tonight' });
  const verdicts: string[] = [];
  for (const runs of ['3', '5']) {
    const io = captureIO({ cwd: dir });
    assert.is(await main(['compare', 'mixed', 'tonight', '--gate', 'istio:p99 < +10%', '--baseline-runs', runs], io), 0, io.out());
    assert.match(io.out(), /median of the last 3 runs/);
    assert.match(io.out(), /left out of the baseline: m-1: another environment \(platform: kubernetes → local\)/);
    verdicts.push(/istio:p99 < \+10%.*\s(pass|inconclusive|REGRESSION)\n/.exec(io.out())?.[1] ?? '?');
  }
  assert.is(verdicts[0], verdicts[1]);
});

test('a regressed run stays out of a rolling baseline until a person accepts it', async () => {
  const night = (n: number, istioUs: number) => ({ ...fakeRun((mesh, rep) => ({ latenciesUs: latencies(centre(mesh, istioUs), rep), achievedRps: 1000 }), REPS), runId: `r-${n}`, startedAt: `2026-11-0${n}T02:00:00.000Z` });
  for (let n = 1; n <= 4; n++) write(`rolling/r-${n}`, night(n, 400));
  // Night 5 regresses: the nightly gate records it in its result.json.
  write('rolling/r-5', night(5, 900));
  assert.is(await main(['compare', 'rolling', 'rolling/r-5', '--gate', 'istio:p99 < +10%', '--record'], captureIO({ cwd: dir })), 1);
  assert.is(JSON.parse(readFileSync(join(dir, 'rolling/r-5/result.json'), 'utf8')).gate.outcome, 'regression');
  // Night 6 is as slow as night 5: still a regression, because night 5 did not join the baseline.
  write('rolling/r-6', night(6, 900));
  const io = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'rolling', 'rolling/r-6', '--gate', 'istio:p99 < +10%'], io), 1, io.out());
  assert.match(io.out(), /median of the last 4 runs/);
  assert.match(io.out(), /left out of the baseline: r-5: its gate said regression/);
  // A person accepts night 5 as the new normal: it may now serve.
  const accept = captureIO({ cwd: dir });
  assert.is(await main(['accept', 'rolling/r-5', '--reason', 'Istio upgrade, accepted'], accept), 0, accept.err());
  assert.is(JSON.parse(readFileSync(join(dir, 'rolling/r-5/result.json'), 'utf8')).gate.acceptedReason, 'Istio upgrade, accepted');
  const after = captureIO({ cwd: dir });
  await main(['compare', 'rolling', 'rolling/r-6', '--gate', 'istio:p99 < +10%'], after);
  assert.match(after.out(), /median of the last 5 runs/);
  assert.is(await main(['accept', 'rolling/r-5'], captureIO({ cwd: dir })), 2, 'accept needs a reason');
});

test('a run with a mesh that has no valid trial never enters a rolling baseline', async () => {
  const run = fakeRun((mesh, rep) => ({ latenciesUs: latencies(centre(mesh), rep), achievedRps: 1000, status: mesh === 'istio' ? 'invalid' : 'valid' }), REPS);
  write('holes/h-1', { ...run, runId: 'h-1' });
  const io = captureIO({ cwd: dir });
  assert.is(await main(['compare', 'holes', 'same'], io), 2);
  assert.match(io.err(), /h-1: no valid trial for istio/);
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
