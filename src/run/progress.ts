/** What the orchestrator tells whoever displays progress; the CLI implements it for TTY and logs. */
import type { RunResult, TrialResult, TrialStage } from '../results/model.ts';
import type { Trial } from '../scenario/plan.ts';

export interface ProgressSink {
  /** `plannedTrials`: more than `trials` when the run chooses its trials as it goes (a redline search: its budget). */
  runStarted(trials: readonly Trial[], estimatedMs: number, plannedTrials?: number): void;
  trialStage(trial: Trial, stage: TrialStage): void;
  trialFinished(result: TrialResult): void;
  runFinished(result: RunResult): void;
}

export const silentProgress: ProgressSink = {
  runStarted: () => {},
  trialStage: () => {},
  trialFinished: () => {},
  runFinished: () => {},
};
