/**
 * Fault matrix: the run is cancelled. CI runners cancel with SIGTERM (then SIGKILL after a grace
 * period); people press Ctrl-C, sometimes twice. The real `bench` in its own process, the signal
 * sent in a known stage of trial 2 (istio, with sidecars) after trial 1 (none) finished.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LocalPlatform } from '../../src/platforms/local/index.ts';
import { processesWith } from '../helpers.ts';
import { assertNothingLeft, currentResult, exitWithin, pidOf, reached, report, resultFolders, scenarioYaml, startBench, waitFor, type BenchRun } from './fault-helpers.ts';

type Stage = 'deploy' | 'warmup' | 'measure' | 'teardown';

/** Loader connections established to trial 2's outbound sidecar: the warmup has begun. */
function loadConnected(runId: string): boolean {
  const [workDir] = readdirSync(tmpdir()).filter((d) => d.startsWith(`meshbench-${runId}`));
  const cfg = workDir ? join(tmpdir(), workDir, 'sidecar-outbound-t1.cfg') : '';
  if (!cfg || !existsSync(cfg)) return false;
  const port = Number(/bind 127\.0\.0\.1:(\d+)/.exec(readFileSync(cfg, 'utf8'))?.[1]);
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  // /proc/net/tcp: "sl local_address rem_address st ..."; st 01 is ESTABLISHED.
  const established = readFileSync('/proc/net/tcp', 'utf8').split('\n').filter((l) => {
    const [, local, , st] = l.trim().split(/\s+/);
    return local?.endsWith(hexPort) && st === '01';
  });
  return established.length >= 2;
}

/** Waits until trial 2 is in `stage`; returns the run id. */
async function untilStage(run: BenchRun, stage: Stage): Promise<string> {
  await waitFor('trial 1 on disk', () => (currentResult(run)?.trials.length ?? 0) >= 1, 30_000, run);
  const runId = currentResult(run)!.runId;
  if (stage === 'deploy') {
    await waitFor('trial 2 deploying', () => reached(run, 2, 'deploy'), 10_000, run);
  } else if (stage === 'warmup') {
    await waitFor('trial 2 warming up', () => loadConnected(runId), 10_000, run);
    await sleep(200);
  } else if (stage === 'measure') {
    await waitFor('trial 2 measuring', () => reached(run, 2, 'measure'), 10_000, run);
    await sleep(200);
  } else {
    // Teardown stops the loader-side proxy first and the workload last: between the two, it is on.
    const workload = await waitFor('trial 2 workload', () => reached(run, 2, 'measure') && pidOf(runId, 'workload'), 10_000, run);
    const outbound = await waitFor('trial 2 outbound sidecar', () => pidOf(runId, 'sidecar-outbound-t1'), 2_000, run);
    await waitFor('trial 2 tearing down', () => !existsSync(`/proc/${outbound}`), 10_000, run);
    assert.ok(existsSync(`/proc/${workload}`), 'teardown ended before the signal could be sent in it');
  }
  return runId;
}

async function cancelDuring(stage: Stage): Promise<void> {
  const warmup = stage === 'warmup' ? '2s' : '500ms';
  // HAProxy sidecars: loadConnected reads the outbound sidecar's port from its config.
  const run = startBench(scenarioYaml({ name: `sigterm during ${stage}`, meshes: '[none, istio]', repetitions: 2, warmup, sidecar: 'haproxy' }));
  const runId = await untilStage(run, stage);
  const signalledMs = performance.now();
  run.child.kill('SIGTERM');
  const exit = await exitWithin(run, 10_000);
  report(`SIGTERM during ${stage}`, Math.round(performance.now() - signalledMs), exit.code);
  assert.is(exit.code, 3, run.stderr());
  assert.match(run.stderr(), /SIGTERM: stopping after teardown/);
  const result = currentResult(run)!;
  assert.is(result.status, 'interrupted');
  assert.is(result.plannedTrials, 4);
  assert.ok(result.trials[0]!.status === 'valid' || result.trials[0]!.status === 'invalid', 'trial 1 finished before the signal');
  const second = result.trials[1]!;
  if (stage === 'teardown') {
    // Its window was measured: the trial is kept whole, and nothing after it starts.
    assert.ok(second.status === 'valid' || second.status === 'invalid', JSON.stringify(second));
  } else {
    assert.ok(second.status === 'aborted' && second.stage === stage, JSON.stringify(second));
  }
  assert.is(result.trials.length, 2);
  assert.ok(result.finishedAt);
  await assertNothingLeft(runId, resultFolders(run.outDir));
}

for (const stage of ['deploy', 'warmup', 'measure', 'teardown'] as const) {
  test(`SIGTERM during ${stage}: teardown, finished trials kept, exit 3 within 10 s`, () => cancelDuring(stage));
}

test('SIGINT twice: forced exit 3 at once, result.json keeps the finished trial, no child outlives it', async () => {
  const run = startBench(scenarioYaml({ name: 'sigint twice', meshes: '[none, istio]', repetitions: 2 }));
  const runId = await untilStage(run, 'measure');
  assert.ok(processesWith(runId).length >= 3, 'the istio trial has its workload and two sidecars');
  const signalledMs = performance.now();
  run.child.kill('SIGINT');
  await sleep(20);
  run.child.kill('SIGINT');
  const exit = await exitWithin(run, 10_000);
  assert.is(exit.code, 3, run.stderr());
  assert.match(run.stderr(), /SIGINT again: forced exit/);
  await assertNothingLeft(runId, resultFolders(run.outDir));
  report('SIGINT twice (forced exit, children gone)', Math.round(performance.now() - signalledMs), exit.code);
  const result = currentResult(run)!;
  // Written after the last finished trial, or after the first signal recorded the trial it
  // stopped as aborted; the forced exit wrote nothing more, and nothing half-written. (A slow
  // machine may finish trial 2 between the signal and its handling; a quick one may have torn
  // down and written the interrupted run's result, still writing reports, when the second comes.)
  assert.ok(result.status === 'running' || result.status === 'interrupted', result.status);
  assert.equal(result.trials[0]?.trial.mesh, 'none');
  const measured = (s: string) => s === 'valid' || s === 'invalid';
  const statuses = result.trials.map((t) => t.status);
  assert.ok(statuses.slice(0, -1).every(measured) && (measured(statuses.at(-1)!) || statuses.at(-1) === 'aborted'), JSON.stringify(statuses));
});

test('meshbench killed outright (SIGKILL): its children die with it; the next run removes its keys folder', async () => {
  const run = startBench(scenarioYaml({ name: 'sigkill', meshes: '[none, istio]', repetitions: 2 }));
  const runId = await untilStage(run, 'measure');
  const signalledMs = performance.now();
  run.child.kill('SIGKILL');
  const exit = await exitWithin(run, 5_000);
  assert.is(exit.code, null);
  const deadline = Date.now() + 2_000;
  while (processesWith(runId).length && Date.now() < deadline) await sleep(20);
  assert.equal(processesWith(runId), [], 'HAProxy and the workload outlived a killed meshbench');
  report('SIGKILL of meshbench (children gone)', Math.round(performance.now() - signalledMs), exit.code);
  assert.ok(readdirSync(tmpdir()).some((d) => d.startsWith(`meshbench-${runId}`)), 'no hook can run on SIGKILL: the folder is there until the next run');
  const next = await LocalPlatform.create({ runId: `next-${process.pid}`, cpuCount: 2, requestTimeoutMs: 1_000 });
  await next.close();
  await assertNothingLeft(runId, resultFolders(run.outDir), 0);
});

/** A port the test can connect to: proof the probe above reads /proc/net/tcp rightly. */
test('the warmup probe sees established loopback connections', async () => {
  const server = (await import('node:net')).createServer((s) => s.on('error', () => {})).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as { port: number }).port;
  const sockets = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
  await Promise.all(sockets.map((s) => new Promise((r) => s.once('connect', r))));
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const lines = readFileSync('/proc/net/tcp', 'utf8').split('\n').filter((l) => l.trim().split(/\s+/)[1]?.endsWith(hexPort) && l.trim().split(/\s+/)[3] === '01');
  sockets.forEach((s) => s.destroy());
  server.close();
  assert.is(lines.length, 2);
});

test.run();
