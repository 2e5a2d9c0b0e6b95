/**
 * Knowing the machine: how often and how long a running thread is stopped by something it cannot
 * see. A thread busy-waits for a while and times every jump of its clock between two turns of its
 * loop (no turn takes PAUSE_US; a jump is a pause), and reads from /proc/thread-self/schedstat how
 * long the guest kernel itself kept it waiting for a CPU. Pauses the guest did not account for are
 * the host's: on a shared VM it takes vCPUs away for 50-400 µs at a time, 3-7 % of the time
 * (bench/README.md, 2026-12-01), and a loader that must send within 100 µs of a schedule cannot be
 * on time through that, whichever way it waits. The figures go into the run's environment, and
 * results/host-pauses.ts says from them when a trial invalid for loader lag is the machine's doing.
 *
 * The probe is bench:load's busy-wait floor made reusable. It runs in a worker thread (from
 * source: the one-file bundle has no module beside it), so the event loop stays free, and costs
 * one CPU for its duration.
 */
import { Worker } from 'node:worker_threads';
import type { HostPauses } from '../results/model.ts';
import { createLatencyHistogram, recordLatencyUs } from '../results/histogram.ts';

/** A clock jump over this between two turns of the busy loop is a pause: no turn takes so long. */
export const PAUSE_US = 20;
/** A run's probe: long enough for a few thousand pauses on a noisy VM, short beside a trial. */
export const DEFAULT_PROBE_MS = 2_000;
/** Pauses kept for the percentiles; the total and the count go on past it. */
const MAX_KEPT = 100_000;

const PROBE_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const runQueueNs = () => {
  try { return Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').trim().split(' ')[1]); } catch { return null; }
};
const kept = new Float64Array(workerData.kept);
const { durationMs, pauseMs } = workerData;
const rq0 = runQueueNs();
const t0 = performance.now();
const end = t0 + durationMs;
let prev = t0, count = 0, pausedMs = 0;
for (;;) {
  const t = performance.now();
  const d = t - prev;
  if (d > pauseMs) {
    pausedMs += d;
    if (count < kept.length) kept[count] = d;
    count++;
  }
  prev = t;
  if (t >= end) break;
}
const rq1 = runQueueNs();
parentPort.postMessage({ wallMs: prev - t0, pausedMs, count, runQueueNs: rq0 !== null && rq1 !== null ? rq1 - rq0 : null });
`;

interface ProbeMessage {
  wallMs: number;
  pausedMs: number;
  count: number;
  runQueueNs: number | null;
}

export interface ProbeOptions {
  durationMs?: number;
  signal?: AbortSignal;
  /** Called once the busy loop is about to start (tests line their signals up on it). */
  onStart?: () => void;
}

/** Busy-waits `durationMs` in a worker thread and says how much of it the thread did not run. */
export async function probeHostPauses(o: ProbeOptions = {}): Promise<HostPauses> {
  const durationMs = o.durationMs ?? DEFAULT_PROBE_MS;
  o.signal?.throwIfAborted();
  const kept = new Float64Array(new SharedArrayBuffer(MAX_KEPT * 8));
  const measuredAt = new Date().toISOString();
  // No execArgv: the source is CommonJS, whatever flags (--input-type=module) started this process.
  const worker = new Worker(PROBE_SOURCE, { eval: true, execArgv: [], workerData: { kept: kept.buffer, durationMs, pauseMs: PAUSE_US / 1_000 } });
  const onAbort = () => void worker.terminate();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let m: ProbeMessage;
  try {
    m = await new Promise<ProbeMessage>((resolve, reject) => {
      worker.once('online', () => o.onStart?.());
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(o.signal?.aborted ? o.signal.reason : new Error(`the host-pause probe's thread exited with code ${code}`)));
    });
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
  const pauses = createLatencyHistogram();
  for (let i = 0; i < Math.min(m.count, MAX_KEPT); i++) recordLatencyUs(pauses, kept[i]! * 1_000);
  const any = m.count > 0;
  return {
    measuredAt,
    durationMs: Math.round(m.wallMs),
    pausedPct: (100 * m.pausedMs) / m.wallMs,
    pauses: m.count,
    pauseP50Us: any ? pauses.getValueAtPercentile(50) : 0,
    pauseP99Us: any ? pauses.getValueAtPercentile(99) : 0,
    pauseMaxUs: any ? pauses.maxValue : 0,
    runQueuePct: m.runQueueNs === null ? null : (100 * m.runQueueNs) / 1e6 / m.wallMs,
  };
}
