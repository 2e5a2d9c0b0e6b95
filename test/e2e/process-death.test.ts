/**
 * Fault matrix: a process of the deployment dies, or freezes, in the middle of the measured
 * window. Real processes killed with real signals; the run goes on to the next trial.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeHistogram } from '../../src/results/histogram.ts';
import { assertNothingLeft, currentResult, exitWithin, pidOf, reached, report, resultFolders, scenarioYaml, startBench, waitFor } from './fault-helpers.ts';

/** The window is long enough that a trial which waited it out could not fail in time. */
const WINDOW_MS = 3_000;

async function killMidWindow(o: { name: string; meshes: string; repetitions: number; trial: number; role: string }) {
  const run = startBench(scenarioYaml({ name: o.name, meshes: o.meshes, repetitions: o.repetitions, duration: `${WINDOW_MS}ms` }));
  await waitFor(`trial ${o.trial} measuring`, () => reached(run, o.trial, 'measure'), 30_000, run);
  const runId = await waitFor('result.json', () => currentResult(run)?.runId, 5_000, run);
  const pid = await waitFor(`the ${o.role} process`, () => pidOf(runId, o.role), 2_000, run);
  await new Promise((r) => setTimeout(r, 300));
  const killedMs = performance.now();
  process.kill(pid, 'SIGKILL');
  // Prompt: the trial is reported failed long before its window would have ended.
  await waitFor('the trial reported failed', () => new RegExp(`trial ${o.trial}/\\d+ [^\\n]*FAILED in measure`).test(run.stderr()), WINDOW_MS - 500, run);
  const failedAfterMs = Math.round(performance.now() - killedMs);
  const exit = await exitWithin(run, 40_000);
  return { run, runId, exit, failedAfterMs };
}

test('the workload killed mid-window: trial failed in measure with the signal, the next trial runs, exit 3', async () => {
  const { run, runId, exit, failedAfterMs } = await killMidWindow({ name: 'workload killed', meshes: '[none]', repetitions: 3, trial: 2, role: 'workload' });
  report('workload SIGKILLed mid-window (trial failed after)', failedAfterMs, exit.code);
  assert.is(exit.code, 3, run.stderr());
  const result = currentResult(run)!;
  assert.is(result.status, 'failed');
  assert.equal(result.trials.map((t) => t.status === 'invalid' ? 'valid' : t.status), ['valid', 'failed', 'valid'], JSON.stringify(result.trials.map((t) => 'reasons' in t ? t.reasons : t.status)));
  const failed = result.trials[1]!;
  assert.ok(failed.status === 'failed');
  if (failed.status !== 'failed') return;
  assert.is(failed.stage, 'measure');
  assert.is(failed.error.what, 'workload exited with signal SIGKILL');
  assert.is(failed.error.where, 'workload');
  assert.match(run.stderr(), /error: trial 2 \(none\) failed in measure: workload exited with signal SIGKILL/);
  await assertNothingLeft(runId, resultFolders(run.outDir));
});

test('one sidecar killed mid-window: the trial fails naming the sidecar, the next mesh runs, exit 3', async () => {
  const { run, runId, exit, failedAfterMs } = await killMidWindow({ name: 'sidecar killed', meshes: '[none, istio, appmesh]', repetitions: 1, trial: 2, role: 'sidecar-workload-t1' });
  report('sidecar SIGKILLed mid-window (trial failed after)', failedAfterMs, exit.code);
  assert.is(exit.code, 3, run.stderr());
  const result = currentResult(run)!;
  assert.equal(result.trials.map((t) => `${t.trial.mesh}:${t.status === 'invalid' ? 'valid' : t.status}`), ['none:valid', 'istio:failed', 'appmesh:valid']);
  const failed = result.trials[1]!;
  assert.ok(failed.status === 'failed' && failed.stage === 'measure' && failed.error.what === 'sidecar-workload-t1 exited with signal SIGKILL', JSON.stringify(failed));
  await assertNothingLeft(runId, resultFolders(run.outDir));
});

test('the target stops answering (SIGSTOP): timeouts at load.timeout, a bounded drain, every scheduled request accounted for', async () => {
  const timeoutMs = 500;
  const yaml = scenarioYaml({ name: 'frozen target', duration: '1s' }).replace('timeout: 1s', `timeout: ${timeoutMs}ms`);
  const run = startBench(yaml);
  await waitFor('trial 1 measuring', () => reached(run, 1, 'measure'), 30_000, run);
  const runId = await waitFor('result.json', () => currentResult(run)?.runId, 5_000, run);
  const pid = await waitFor('the workload', () => pidOf(runId, 'workload'), 2_000, run);
  await new Promise((r) => setTimeout(r, 200));
  const stoppedMs = performance.now();
  process.kill(pid, 'SIGSTOP');
  // The window has at most 800 ms left, then the drain lasts at most the timeout; teardown must
  // not wait out the SIGKILL grace (2 s) for a stopped process.
  const exit = await exitWithin(run, 15_000);
  report('target stopped answering (SIGSTOP) until the run ended', Math.round(performance.now() - stoppedMs), exit.code);
  assert.is(exit.code, 0, run.stderr());
  const result = currentResult(run)!;
  assert.is(result.status, 'completed');
  const t = result.trials[0]!;
  assert.ok(t.status === 'invalid', JSON.stringify(t));
  if (t.status !== 'invalid') return;
  assert.ok(t.load.errorsByClass.timeout > 0, JSON.stringify(t.load.errorsByClass));
  // Every request intended in the window has exactly one outcome: 200 rps for 1 s.
  assert.is(t.load.requests, 200);
  assert.is(t.load.responses2xx + t.load.responsesNon2xx + t.load.errors, 200);
  // Timeouts are recorded at the timeout (from the intended time: queued ones waited longer).
  const errors = decodeHistogram(t.histograms.errorLatencyUs);
  assert.is(errors.totalCount, t.load.errors);
  assert.ok(errors.minNonZeroValue >= timeoutMs * 1_000 * 0.99, `fastest timeout ${errors.minNonZeroValue} µs`);
  assert.match(t.reasons.join('; '), /exceed the error budget/);
  await assertNothingLeft(runId, resultFolders(run.outDir));
});

test.run();
