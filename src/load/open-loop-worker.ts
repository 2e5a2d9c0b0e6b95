/** Entry of a load worker thread: runs its share of an open-loop run and posts its histograms. */
import { parentPort, workerData } from 'node:worker_threads';
import { encodeHistogram } from '../results/histogram.ts';
import { runOpenLoop, type OpenLoopRunOptions } from './open-loop.ts';

export interface WorkerInput extends Omit<OpenLoopRunOptions, 'target' | 'signal'> {
  target: string;
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

const { core, pacingLabel } = await runOpenLoop({ ...input, target: new URL(input.target), signal: controller.signal });
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
