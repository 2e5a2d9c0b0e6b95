/** What the orchestrator tells whoever displays progress; the CLI implements it for TTY and logs. */
import type { LiveLoad } from '../load/live.ts';
import type { RunResult, TrialResult, TrialStage } from '../results/model.ts';
import type { Trial } from '../scenario/plan.ts';

export interface ProgressSink {
  /** `plannedTrials`: more than `trials` when the run chooses its trials as it goes (a redline search: its budget). */
  runStarted(trials: readonly Trial[], estimatedMs: number, plannedTrials?: number): void;
  trialStage(trial: Trial, stage: TrialStage): void;
  /**
   * The current trial's counts so far, a few times a second during its measured window; never
   * called when the loader cannot tell them as it runs (a cluster's loader pods).
   */
  trialLoad?(live: LiveLoad): void;
  trialFinished(result: TrialResult): void;
  runFinished(result: RunResult): void;
}

export const silentProgress: ProgressSink = {
  runStarted: () => {},
  trialStage: () => {},
  trialFinished: () => {},
  runFinished: () => {},
};
