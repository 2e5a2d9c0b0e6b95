/**
 * Progress of a run: a single updating status line on a terminal (phase, mesh, trial i/n, time
 * left), plain timestamped lines when output is a log or CI.
 */
import type { RunResult, TrialResult, TrialStage } from '../results/model.ts';
import type { ProgressSink } from '../run/progress.ts';
import type { Trial } from '../scenario/plan.ts';
import { formatDurationMs } from '../scenario/duration.ts';
import type { Output } from './io.ts';

function describe(trial: Trial, total: number): string {
  return `trial ${trial.index + 1}/${total} ${trial.mesh} ${trial.level.id} rep ${trial.repetition}`;
}

export function trialOutcomeText(r: TrialResult): string {
  if (r.status === 'failed') return `FAILED in ${r.stage}: ${r.error.what}`;
  if (r.status === 'aborted') return `aborted during ${r.stage}`;
  const head = `${r.status}: p50 ${r.latency.p50Us} µs, p99 ${r.latency.p99Us ?? '–'} µs, ${Math.round(r.load.achievedRps)} rps`;
  return r.status === 'invalid' ? `${head} (${r.reasons.join('; ')})` : head;
}

class Clock {
  private startedMs = 0;
  private estimatePerTrialMs = 0;
  private finished = 0;
  private total = 0;

  start(total: number, estimatedMs: number): void {
    this.startedMs = Date.now();
    this.total = total;
    this.estimatePerTrialMs = total ? estimatedMs / total : 0;
  }

  trialDone(): void {
    this.finished++;
  }

  /** Remaining time from the measured pace once a trial has finished, from the estimate before. */
  leftMs(): number {
    const perTrial = this.finished ? (Date.now() - this.startedMs) / this.finished : this.estimatePerTrialMs;
    return Math.max(0, (this.total - this.finished) * perTrial - (this.finished ? 0 : Date.now() - this.startedMs));
  }
}

export class PlainProgress implements ProgressSink {
  private readonly out: Output;
  private readonly clock = new Clock();
  private total = 0;

  constructor(out: Output) {
    this.out = out;
  }

  runStarted(trials: readonly Trial[], estimatedMs: number, plannedTrials = trials.length): void {
    this.total = plannedTrials;
    this.clock.start(plannedTrials, estimatedMs);
    this.out.write(`${stamp()} run started: ${trialCount(trials, plannedTrials)} trials, about ${formatDurationMs(estimatedMs)}\n`);
  }

  trialStage(trial: Trial, stage: TrialStage): void {
    if (stage === 'deploy' || stage === 'measure') this.out.write(`${stamp()} ${describe(trial, this.total)}: ${stage}\n`);
  }

  trialFinished(r: TrialResult): void {
    this.clock.trialDone();
    this.out.write(`${stamp()} ${describe(r.trial, this.total)}: ${trialOutcomeText(r)} (about ${formatDurationMs(this.clock.leftMs())} left)\n`);
  }

  runFinished(result: RunResult): void {
    this.out.write(`${stamp()} run ${result.status}: ${result.trials.length}/${result.plannedTrials} trials\n`);
  }
}

export class TerminalProgress implements ProgressSink {
  private readonly out: Output;
  private readonly clock = new Clock();
  private total = 0;
  private status = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(out: Output) {
    this.out = out;
  }

  runStarted(trials: readonly Trial[], estimatedMs: number, plannedTrials = trials.length): void {
    this.total = plannedTrials;
    this.clock.start(plannedTrials, estimatedMs);
    this.out.write(`Running ${trialCount(trials, plannedTrials)} trials, about ${formatDurationMs(estimatedMs)}. Ctrl-C stops and keeps finished trials.\n`);
    this.timer = setInterval(() => this.render(), 1_000);
    this.timer.unref();
  }

  trialStage(trial: Trial, stage: TrialStage): void {
    this.status = `${stage.padEnd(8)} ${describe(trial, this.total)}`;
    this.render();
  }

  trialFinished(r: TrialResult): void {
    this.clock.trialDone();
    this.clear();
    this.out.write(`  ${describe(r.trial, this.total)}: ${trialOutcomeText(r)}\n`);
    this.status = '';
  }

  runFinished(result: RunResult): void {
    clearInterval(this.timer);
    this.clear();
    this.out.write(`Run ${result.status}: ${result.trials.length}/${result.plannedTrials} trials.\n`);
  }

  private render(): void {
    if (!this.status) return;
    const line = `${this.status} · ${formatDurationMs(this.clock.leftMs())} left`;
    this.out.write(`\r\x1b[2K${line.slice(0, (this.out.columns ?? 120) - 1)}`);
  }

  private clear(): void {
    this.out.write('\r\x1b[2K');
  }
}

function stamp(): string {
  return new Date().toISOString().slice(11, 19);
}

export function progressFor(out: Output, env: CliEnv): ProgressSink {
  return out.isTTY && !env.CI ? new TerminalProgress(out) : new PlainProgress(out);
}

type CliEnv = Readonly<Record<string, string | undefined>>;

/** A redline search chooses its trials as it runs: its budget is a ceiling, not a count. */
const trialCount = (trials: readonly Trial[], planned: number): string => (planned > trials.length ? `up to ${planned}` : String(planned));
