/**
 * Fault matrix: the results cannot be written where they should. The folder is removed, made
 * read-only (for an unprivileged meshbench: root writes anyway), or its disk fills up (a 2 MiB
 * tmpfs in a mount namespace of the run's own). Each time: a clear error at the next write, every
 * finished trial in a fallback folder that the error names, the run stopped, exit 3. And two runs
 * into one output folder never share a folder.
 */
import { chmodSync, chownSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunResult } from '../../src/results/model.ts';
import { assertNothingLeft, exitWithin, readResultIn, report, resultFolders, scenarioYaml, startBench, waitFor, type BenchRun } from './fault-helpers.ts';

const yaml = (name: string) => scenarioYaml({ name, repetitions: 3 });

/** Trial 1 fully written (result.json, then results.csv): the next write comes after trial 2. */
function trialOneWritten(folder: string | undefined): string | false {
  if (!folder || (readResultIn(folder)?.trials.length ?? 0) < 1) return false;
  const csv = join(folder, 'results.csv');
  return existsSync(csv) && readFileSync(csv, 'utf8').split('\n').filter(Boolean).length >= 2 && folder;
}

/** The fallback result.json the error names; removed once read. */
function rescued(run: BenchRun): RunResult {
  const file = /were written to (\S+result\.json) instead/.exec(run.stderr())?.[1];
  assert.ok(file && existsSync(file), `no fallback named: ${run.stderr()}`);
  const result = JSON.parse(readFileSync(file!, 'utf8')) as RunResult;
  assert.equal(readFileSync(file!.replace(/result\.json$/, 'results.csv'), 'utf8').split('\n').filter(Boolean).length, result.trials.length + 1);
  rmSync(dirname(file!), { recursive: true, force: true });
  return result;
}

/** After the fault: exit 3, the trials finished before it kept (2 of 3), the third never run. */
async function assertRescued(run: BenchRun, fault: string, faultAtMs: number, cause: RegExp): Promise<void> {
  const exit = await exitWithin(run, 20_000);
  report(fault, Math.round(performance.now() - faultAtMs), exit.code);
  assert.is(exit.code, 3, run.stderr());
  assert.match(run.stderr(), cause);
  assert.match(run.stderr(), /the 2 finished trial\(s\) were written to \S+ instead/);
  assert.match(run.stderr(), /hint: make room or restore the folder, then `bench report /);
  const result = rescued(run);
  assert.is(result.status, 'failed');
  assert.ok(result.finishedAt);
  assert.equal(result.trials.map((t) => t.status === 'invalid' ? 'valid' : t.status), ['valid', 'valid']);
  await assertNothingLeft(result.runId, []);
}

test('the results folder removed during the run: error at the next write, trials rescued to a named fallback', async () => {
  const run = startBench(yaml('folder removed'));
  const folder = await waitFor('trial 1 on disk', () => trialOneWritten(resultFolders(run.outDir)[0]), 30_000, run);
  const removedMs = performance.now();
  rmSync(folder, { recursive: true });
  await assertRescued(run, 'results folder removed (until exit)', removedMs, /cannot write results to \S+ \(ENOENT: the folder was removed\)/);
});

test('the results folder made read-only during the run (meshbench as nobody): the same', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-fault-'));
  chownSync(dir, 65534, 65534);
  const run = startBench(yaml('folder read-only'), { dir, wrap: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] });
  const folder = await waitFor('trial 1 on disk', () => trialOneWritten(resultFolders(run.outDir)[0]), 30_000, run);
  const lockedMs = performance.now();
  chmodSync(folder, 0o555);
  await assertRescued(run, 'results folder made read-only (until exit)', lockedMs, /cannot write results to \S+ \(EACCES: permission denied\)/);
  // What was written before stays whole, and the failed write left no temp file.
  assert.is(readResultIn(folder)?.trials.length, 1);
  await assertNothingLeft(readResultIn(folder)!.runId, [folder]);
});

test('the disk fills up (a 2 MiB tmpfs): the same, ENOSPC named, no half-written temp file', async () => {
  const outDir = join(mkdtempSync(join(tmpdir(), 'meshbench-fault-')), 'out');
  const mountTmpfs = 'out="$1"; shift; mkdir -p "$out" && mount -t tmpfs -o size=2m meshbench-full "$out" && exec "$@"';
  const run = startBench(yaml('disk full'), { outDir, wrap: ['unshare', '--mount', 'sh', '-c', mountTmpfs, 'sh', outDir] });
  // The tmpfs exists only in the run's mount namespace: look at it through /proc/PID/root.
  const seen = `/proc/${run.child.pid}/root${outDir}`;
  const folder = await waitFor('trial 1 on disk', () => trialOneWritten(resultFolders(seen)[0]), 30_000, run);
  const fd = openSync(join(folder, 'filler'), 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  let full = false;
  for (let i = 0; i < 100 && !full; i++) {
    try {
      writeSync(fd, chunk);
    } catch (e) {
      full = (e as NodeJS.ErrnoException).code === 'ENOSPC';
    }
  }
  closeSync(fd);
  assert.ok(full, 'the tmpfs did not fill');
  const filledMs = performance.now();
  await waitFor('the write failed', () => /ENOSPC/.test(run.stderr()), 20_000, run);
  assert.equal(resultFolders(folder).filter((f) => f.endsWith('.tmp')), []);
  await assertRescued(run, 'disk full at the write (until exit)', filledMs, /cannot write results to \S+ \(ENOSPC: no space left on device\)/);
});

test('two runs at once into one output folder: a folder each, never interleaved', async () => {
  const first = startBench(scenarioYaml({ name: 'twins', repetitions: 2, duration: '500ms' }));
  const second = startBench(scenarioYaml({ name: 'twins', repetitions: 2, duration: '500ms' }), { dir: first.dir, outDir: first.outDir });
  const [a, b] = await Promise.all([exitWithin(first, 40_000), exitWithin(second, 40_000)]);
  report('two runs into one output folder (both complete)', Math.max(a.ms, b.ms), Math.max(a.code ?? 9, b.code ?? 9));
  assert.is(a.code, 0, first.stderr());
  assert.is(b.code, 0, second.stderr());
  const folders = resultFolders(first.outDir);
  assert.is(folders.length, 2, folders.join(', '));
  const results = folders.map((f) => readResultIn(f)!);
  assert.is.not(results[0]!.runId, results[1]!.runId);
  for (const r of results) {
    assert.is(r.status, 'completed');
    assert.is(r.trials.length, 2);
    await assertNothingLeft(r.runId, folders);
  }
  // Each folder holds one run's files whole: its 2 trials, its reports. (Two runs in the same
  // second are forced in test/run/result-folder.test.ts; here they start as close as spawns can.)
  for (const f of folders) {
    assert.is(readFileSync(join(f, 'results.csv'), 'utf8').split('\n').filter(Boolean).length, 3);
    assert.ok(existsSync(join(f, 'report.html')));
  }
});

test.run();
