/**
 * bench:load section 4's floors: how late a wait for 1,000 due times a second is on this machine
 * with no HTTP at all, measured in each round beside the candidates. Two are the candidates' own
 * waits (they await a promise per send, so they carry the event loop and its garbage); two are the
 * machine's: a busy-wait with no event loop (a core's price, nothing but the clock between due
 * times; it also times the host's pauses) and a thread that sleeps in `Atomics.wait` and
 * busy-waits the last THREAD_SPIN_US (the best sleeping design of ../shared/research/pacing.md).
 * Neither is a strict lower bound on this VM: its host pauses a running vCPU and wakes an idle one
 * late, and which costs more changes from spell to spell (in the 20:53 run of 2026-12-01
 * sleep+spin 100 µs, with HTTP, was earlier at P99 than the busy-wait; at 23:58 the sleeping
 * thread was ten times later).
 */
import { Worker } from 'node:worker_threads';
import { epochNowMs } from '../../src/load/http1.ts';
import { finalSpin, SLEEP_SPIN_US, SleepPacer, THREAD_SPIN_US, TIMING_THREAD_PRELUDE } from '../../src/load/pacer.ts';
import { createLatencyHistogram, recordLatencyUs, type Histogram } from '../../src/results/histogram.ts';
import { probeHostPauses } from '../../src/run/host-pauses.ts';
import { SECONDS } from './measure.ts';

export interface FloorFigures {
  cpu: number;
  lagP50: number;
  lagP99: number;
  lagP999: number;
  /** The busy-wait only, from the host-pause probe run right after it: the share of the wall time (%) a running thread was paused. */
  pausedPct?: number;
  pauseP50?: number;
  pauseP99?: number;
  /** The busy-wait only, from the probe: the share of the wall time (%) the guest kernel kept it waiting for a core (schedstat). */
  runqueuePct?: number;
}

export const FLOORS = [
  { key: 'busy', label: 'a busy-wait alone (no event loop, a core)', measure: busyAlone },
  { key: 'thread', label: `a thread sleeping to ${THREAD_SPIN_US} µs before, then busy-waiting`, measure: threadAlone },
  { key: 'sleep', label: `the default's wait alone (sleep+spin ${SLEEP_SPIN_US} µs, a promise per send)`, measure: pacingAlone },
  { key: 'spin', label: 'the spin pacing\'s wait alone (setImmediate turns, a promise per send)', measure: spinAlone },
] as const;

const COUNT = SECONDS * 1_000;

function figures(lagUs: Histogram, cpu0: NodeJS.CpuUsage, wallMs: number): FloorFigures {
  const cpu = process.cpuUsage(cpu0);
  return { cpu: (cpu.user + cpu.system) / 1_000 / wallMs, lagP50: lagUs.getValueAtPercentile(50), lagP99: lagUs.getValueAtPercentile(99), lagP999: lagUs.getValueAtPercentile(99.9) };
}

/** The due times (1 ms apart from 20 ms on), the lag histogram, and the CPU and wall clocks started. */
function floorRun() {
  const lagUs = createLatencyHistogram();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return { startMs: epochNowMs() + 20, lagUs, done: () => figures(lagUs, cpu0, performance.now() - t0) };
}

/** Waits for each due time with `wait`, recording how late it returned. */
async function awaitEach(wait: (dueMs: number) => Promise<void>): Promise<FloorFigures> {
  const { startMs, lagUs, done } = floorRun();
  for (let i = 0; i < COUNT; i++) {
    const dueMs = startMs + i;
    await wait(dueMs);
    recordLatencyUs(lagUs, (epochNowMs() - dueMs) * 1_000);
  }
  return done();
}

/** The default pacing's wait (sleep in the pacing thread, then spin the last SLEEP_SPIN_US). */
async function pacingAlone(): Promise<FloorFigures> {
  const pacer = await SleepPacer.start();
  try {
    return await awaitEach(async (dueMs) => {
      const woken = pacer.sleepUntil(dueMs - SLEEP_SPIN_US / 1_000);
      if (woken) await woken;
      while (!finalSpin(dueMs, epochNowMs)) await new Promise((resolve) => setImmediate(resolve));
    });
  } finally {
    await pacer.close();
  }
}

/** The spin pacing's wait: a timer to ~2 ms before, then setImmediate turns. */
function spinAlone(): Promise<FloorFigures> {
  return awaitEach(async (dueMs) => {
    const early = dueMs - epochNowMs() - 2;
    if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
    while (epochNowMs() < dueMs) await new Promise((resolve) => setImmediate(resolve));
  });
}

/**
 * A synchronous busy-wait: nothing between the due times but the clock (blocks this thread). Then
 * the host-pause probe that a run makes at its start (src/run/host-pauses.ts): how often and how
 * long a running thread was paused, and how much of that the guest kernel itself accounted for
 * (on 2026-12-01 at 23:32 UTC the guest counted 2.8 ms of 10 s, the loop 628 ms: the host's).
 */
async function busyAlone(): Promise<FloorFigures> {
  const { startMs, lagUs, done } = floorRun();
  for (let i = 0; i < COUNT; i++) {
    // One clock read per turn: the due time on performance.now()'s clock.
    const due = startMs + i - performance.timeOrigin;
    while (performance.now() < due) {
      // nothing but the clock
    }
    recordLatencyUs(lagUs, (performance.now() - due) * 1_000);
  }
  const figures = done();
  const p = await probeHostPauses();
  return { ...figures, pausedPct: p.pausedPct, pauseP50: p.pauseP50Us, pauseP99: p.pauseP99Us, ...(p.runQueuePct === null ? {} : { runqueuePct: p.runQueuePct }) };
}

// The thread records its lags itself, into shared memory, so no hand-off is measured.
const THREAD_SOURCE = `${TIMING_THREAD_PRELUDE}
const { count, spinMs } = workerData;
const lags = new Float64Array(workerData.lags);
const startMs = now() + 20;
for (let i = 0; i < count; i++) {
  const due = startMs + i;
  let rest;
  while ((rest = due - spinMs - now()) > 0) Atomics.wait(control, 3, 0, rest);
  while (now() < due) {}
  lags[i] = (now() - due) * 1000;
}
`;

/** A thread that sleeps in Atomics.wait (timer slack 1 ns) to THREAD_SPIN_US before each due time, then busy-waits. */
async function threadAlone(): Promise<FloorFigures> {
  const lags = new Float64Array(new SharedArrayBuffer(COUNT * 8));
  const control = new Int32Array(new SharedArrayBuffer(16));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { control: control.buffer, lags: lags.buffer, count: COUNT, spinMs: THREAD_SPIN_US / 1_000 } });
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the floor's thread exited with code ${code}`))));
  });
  const lagUs = createLatencyHistogram();
  for (const lag of lags) recordLatencyUs(lagUs, lag);
  return figures(lagUs, cpu0, performance.now() - t0);
}
