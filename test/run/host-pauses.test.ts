/**
 * The host-pause probe against pauses of a known size: a child process runs the probe while this
 * test stops and continues it (SIGSTOP/SIGCONT) at a known duty cycle, so every stop is a pause
 * the probe must see, as it would see a host taking the vCPU away. The same child, left alone,
 * is the control: on this shared machine it is paused too, by the host and by other processes.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SCHEDULER_LAG_P99_LIMIT_US } from '../../src/load/open-loop-engine.ts';
import type { HostPauses } from '../../src/results/model.ts';
import { DEFAULT_LAG_LIMIT_US, hostPauseExplanation } from '../../src/results/host-pauses.ts';
import { invalidReasons } from '../../src/results/validity.ts';

const PROBE = fileURLToPath(new URL('../../src/run/host-pauses.ts', import.meta.url));
const PROBE_MS = 3_000;
const STOP_MS = 25;
const PERIOD_MS = 100;

/** Runs the probe in a child; while it runs, `during(pid)` may signal it. */
async function probeInChild(during?: (pid: number, running: () => boolean) => Promise<number>): Promise<{ pauses: HostPauses; stops: number; stoppedMs: number }> {
  const script = `import { probeHostPauses } from ${JSON.stringify(PROBE)};
const r = await probeHostPauses({ durationMs: ${PROBE_MS}, onStart: () => process.stderr.write('probing\\n') });
process.stdout.write(JSON.stringify(r) + '\\n');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let running = true;
  void exited.then(() => (running = false));
  await new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.includes('probing')) resolve();
  }));
  let stops = 0;
  let stoppedMs = 0;
  try {
    if (during) {
      const t0 = performance.now();
      stops = await during(child.pid!, () => running && performance.now() - t0 < PROBE_MS - PERIOD_MS);
      stoppedMs = stops * STOP_MS;
    }
  } finally {
    if (running) child.kill('SIGCONT');
  }
  const code = await exited;
  assert.is(code, 0, `the probe's child failed: ${stderr}`);
  return { pauses: JSON.parse(stdout.trim()) as HostPauses, stops, stoppedMs };
}

/** Stops the child STOP_MS out of every PERIOD_MS while it probes: a 25 % duty cycle. */
async function dutyCycle(pid: number, running: () => boolean): Promise<number> {
  let stops = 0;
  while (running()) {
    process.kill(pid, 'SIGSTOP');
    const t = performance.now();
    // A busy wait: a timer here could add a millisecond to each stop on a loaded machine.
    while (performance.now() - t < STOP_MS) {
      // holding the child stopped
    }
    process.kill(pid, 'SIGCONT');
    stops++;
    await sleep(PERIOD_MS - STOP_MS);
  }
  return stops;
}

test('a child stopped 25 ms of every 100 ms: the probe sees the stops, their length and their share of the time', async () => {
  const control = (await probeInChild()).pauses;
  const stopped = await probeInChild(dutyCycle);
  const { pauses, stops } = stopped;
  // The stops' share of the probe's wall time, as this side made them; the child's own timer
  // (setTimeout to the next stop) makes the period a little longer than PERIOD_MS, never shorter.
  const madePct = (100 * stopped.stoppedMs) / pauses.durationMs;
  assert.ok(stops >= 15, `the test made ${stops} stops in ${PROBE_MS} ms`);
  assert.ok(pauses.pauses >= stops, `the probe saw ${pauses.pauses} pauses for ${stops} stops`);
  // Every stop is a pause at least as long, wherever it fell: the share cannot be lower. The rest
  // of the pauses is this shared machine's (other processes, the host), which the control run
  // measures in another spell, so the excess is bounded loosely: a probe that counted a stop
  // twice, or the wrong clock, goes far past it.
  assert.ok(pauses.pausedPct >= madePct * 0.95, `stopped ${madePct.toFixed(1)} % of the time, the probe saw ${pauses.pausedPct.toFixed(1)} %`);
  assert.ok(pauses.pausedPct - control.pausedPct <= madePct + 10, `stopped ${madePct.toFixed(1)} %, the probe saw ${pauses.pausedPct.toFixed(1)} % against ${control.pausedPct.toFixed(1)} % left alone`);
  assert.ok(pauses.pauseMaxUs >= STOP_MS * 1_000, `longest pause ${pauses.pauseMaxUs} µs for ${STOP_MS} ms stops`);
  assert.ok(hostPauseExplanation(pauses)?.includes(' % of the time'), 'a share this large explains a late loader');
  const show = (p: HostPauses) => `${p.pausedPct.toFixed(1)} % (run queue ${p.runQueuePct?.toFixed(1)} %; ${p.pauses} pauses, P50 ${p.pauseP50Us} µs, P99 ${p.pauseP99Us} µs, max ${p.pauseMaxUs} µs)`;
  console.log(`    stopped ${madePct.toFixed(1)} % of the time (${stops} stops): probe ${show(pauses)}; left alone ${show(control)}`);
});

const quiet: HostPauses = { measuredAt: '2026-12-07T00:00:00Z', durationMs: 2_000, pausedPct: 0.3, pauses: 40, pauseP50Us: 30, pauseP99Us: 90, pauseMaxUs: 120, runQueuePct: 0.01 };
const load = { mode: 'rate' as const, engine: 'e', requests: 1000, responses2xx: 1000, responsesNon2xx: 0, errors: 0, errorsByClass: { timeout: 0, refused: 0, reset: 0, other: 0 }, durationMs: 1_000, targetRps: 1000, achievedRps: 1000, sentRps: 1000, clampedLatencies: 0 };

test('a trial invalid for lag carries the one-line explanation only when the pauses explain it', () => {
  const noisy = { ...quiet, pausedPct: 5.7, pauseP50Us: 51, pauseP99Us: 355, pauseMaxUs: 1_484 };
  const [explained] = invalidReasons({ load, errorBudget: 0.01, loaderSaturated: true, loaderCpuCores: 0.1, hostPauses: noisy });
  assert.match(explained!, /; the host paused this machine's running threads 5\.7 % of the time \(P50 51 µs, P99 355 µs; probed for 2\.0 s at the run's start\): the loader cannot be on time here; use a dedicated-CPU machine or raise load.schedulerLagLimit/);
  const [unexplained] = invalidReasons({ load, errorBudget: 0.01, loaderSaturated: true, loaderCpuCores: 0.1, hostPauses: quiet });
  assert.not.match(unexplained!, /paused/);
  assert.equal(invalidReasons({ load, errorBudget: 0.01, loaderSaturated: false, loaderCpuCores: 0.1, hostPauses: noisy }), []);
  const busy = { ...noisy, pausedPct: 4, runQueuePct: 3.5 };
  assert.match(hostPauseExplanation(busy)!, /^other processes on this machine kept a running thread waiting for a CPU 3\.5 %/);
});

test('pauses all shorter than the lag limit do not explain a late loader, and a raised limit is not advised again', () => {
  const short = { ...quiet, pausedPct: 4.4, pauseP50Us: 50, pauseP99Us: 256, pauseMaxUs: 900 };
  const [reason] = invalidReasons({ load, errorBudget: 0.01, loaderSaturated: true, loaderCpuCores: 0.1, hostPauses: short, lagLimitUs: 5_000 });
  assert.match(reason!, /; the machine's pauses do not explain it: the probe at the run's start saw this machine's running threads stopped 4\.4 % of the time, but never longer than 900 µs, under the 5,000 µs limit; the loader was more likely short of CPU beside the run's own processes/);
  assert.not.match(reason!, /cannot be on time|raise load\.schedulerLagLimit/);
  const long = { ...short, pauseMaxUs: 8_000 };
  const raised = hostPauseExplanation(long, 'right after this trial', 5_000)!;
  assert.match(raised, /probed for 2\.0 s right after this trial\): the loader cannot be on time here; use a dedicated-CPU machine; the limit is already raised to 5,000 µs$/);
  assert.match(hostPauseExplanation(long)!, /use a dedicated-CPU machine or raise load\.schedulerLagLimit, which the report will then state$/);
});

test('a raised lag limit is a caveat that names it; the default is none', () => {
  assert.is(DEFAULT_LAG_LIMIT_US, SCHEDULER_LAG_P99_LIMIT_US, 'the engine\'s default and the caveat\'s agree');

});

test.run();
