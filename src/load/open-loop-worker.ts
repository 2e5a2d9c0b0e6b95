/**
 * Entry of a load worker thread: runs its share of an open-loop run and posts its histograms,
 * and before them its live counts every LIVE_EVERY_MS (the engine sums the workers' latest).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { encodeHistogram } from '../results/histogram.ts';
import { LIVE_EVERY_MS, type LiveCounts } from './live.ts';
import type { OpenLoopCore } from './open-loop-core.ts';
import { runOpenLoop, type OpenLoopRunOptions } from './open-loop.ts';

export interface WorkerInput extends Omit<OpenLoopRunOptions, 'target' | 'signal' | 'onCore'> {
  target: string;
}

export interface WorkerLive {
  live: LiveCounts;
}

export interface WorkerOutput {
  histograms: Record<'ok' | 'non2xx' | 'error' | 'uncorrected' | 'schedulerLag', string>;
  errorsByClass: Record<string, number>;
  sentInWindow: number;
  scheduledInWindow: number;
  pacingLabel: string;
}

const input = workerData as WorkerInput;
const controller = new AbortController();
parentPort!.on('message', (message: unknown) => {
  if (message === 'abort') controller.abort(new Error('aborted'));
});

let running: OpenLoopCore | undefined;
const live = setInterval(() => running && parentPort!.postMessage({ live: running.soFar() } satisfies WorkerLive), LIVE_EVERY_MS);
const { core, pacingLabel } = await runOpenLoop({ ...input, target: new URL(input.target), signal: controller.signal, onCore: (c) => (running = c) }).finally(() => clearInterval(live));
const h = core.histograms;
const output: WorkerOutput = {
  histograms: {
    ok: encodeHistogram(h.ok),
    non2xx: encodeHistogram(h.non2xx),
    error: encodeHistogram(h.error),
    uncorrected: encodeHistogram(h.uncorrected),
    schedulerLag: encodeHistogram(h.schedulerLag),
  },
  errorsByClass: core.errorsByClass,
  sentInWindow: core.sentInWindow,
  scheduledInWindow: core.scheduledInWindow,
  pacingLabel,
};
parentPort!.postMessage(output);
