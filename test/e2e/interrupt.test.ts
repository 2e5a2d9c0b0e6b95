/** Ctrl-C in the middle of a trial of a real `bench` process: teardown, and finished trials kept. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunResult } from '../../src/results/model.ts';
import { processesWith, repoRoot } from '../helpers.ts';

function readResult(outDir: string): RunResult | undefined {
  if (!existsSync(outDir)) return undefined;
  const [folder] = readdirSync(outDir);
  const file = folder ? join(outDir, folder, 'result.json') : '';
  return file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunResult) : undefined;
}

test('SIGINT during a trial stops the run, tears everything down and keeps the finished trials', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-sigint-'));
  writeFileSync(join(dir, 'slow.yaml'), 'name: interrupted\nmeshes: [none, istio, appmesh]\nload:\n  mode: rate\n  rate: 500\n  connections: 2\n  warmup: 500ms\n  duration: 1500ms\n  schedulerLagLimit: 50ms\nrepetitions: 2\n');
  const outDir = join(dir, 'out');
  const child = spawn(process.execPath, [join(repoRoot, 'bin/bench.js'), 'run', 'slow.yaml', '--output', outDir], { cwd: dir, env: { ...process.env, CI: 'true' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  // Wait until the first trial is on disk and the second one (istio, with sidecars) is measuring.
  const deadline = Date.now() + 20_000;
  let runId = '';
  while (Date.now() < deadline) {
    const r = readResult(outDir);
    runId = r?.runId ?? runId;
    if (r && r.trials.length >= 1 && /trial 2\/6 istio c2-r500 rep 1: measure/.test(stderr)) break;
    await sleep(50);
  }
  assert.ok(runId, `the run never wrote result.json: ${stderr}`);
  assert.ok(processesWith(runId).length >= 3, 'the istio trial should have its workload and two sidecars running');
  await sleep(300);
  child.kill('SIGINT');

  const code = await Promise.race([exited, sleep(15_000).then(() => 'timeout' as const)]);
  assert.is(code, 3, `exit ${code}; stderr: ${stderr}`);
  assert.match(stderr, /SIGINT: stopping after teardown/);
  assert.match(stderr, /Interrupted: 1 finished trial\(s\) kept/);

  const result = readResult(outDir)!;
  assert.is(result.status, 'interrupted');
  // The finished trial is kept as measured (valid, or invalid with its reasons: validity is not
  // what this test is about); the interrupted one is recorded as aborted.
  assert.equal(result.trials.map((t) => `${t.trial.mesh}:${t.status === 'invalid' ? 'valid' : t.status}`), ['none:valid', 'istio:aborted']);
  assert.ok(result.trials[1]?.status === 'aborted' && result.trials[1].stage === 'measure');
  assert.is(result.plannedTrials, 6);
  assert.equal(processesWith(runId), [], 'processes of the run are still alive');
  assert.equal(readdirSync(tmpdir()).filter((d) => d.startsWith(`meshbench-${runId}`)), []);
  assert.ok(existsSync(join(outDir, readdirSync(outDir)[0]!, 'results.csv')));
});

test.run();
