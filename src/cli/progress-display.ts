/**
 * Progress of a run: a single updating status line on a terminal (phase, mesh, trial i/n, the
 * window's rps and failed requests so far, time left), plain timestamped lines when output is a
 * log or CI.
 */
import { liveRps, type LiveLoad } from '../load/live.ts';
import type { RunResult, TrialResult, TrialStage } from '../results/model.ts';
import type { ProgressSink } from '../run/progress.ts';
import type { Trial } from '../scenario/plan.ts';
import { formatDurationMs } from '../scenario/duration.ts';
import type { Output } from './io.ts';
import { formatBitsPerSecond, formatRps, formatUs } from '../report/format.ts';
import { trialMetric } from '../results/metrics.ts';

function describe(trial: Trial, total: number): string {
  return `trial ${trial.index + 1}/${total} ${trial.mesh} ${trial.level.id} rep ${trial.repetition}`;
}

export function trialOutcomeText(r: TrialResult): string {
  if (r.status === 'failed') return `FAILED in ${r.stage}: ${r.error.what}`;
  if (r.status === 'aborted') return `aborted during ${r.stage}`;
  // The tables' formatter, so a progress line and the table below it print one figure alike.
  const received = r.load.bandwidth ? trialMetric(r, 'throughput_bps') : null;
  const head = r.load.bandwidth
    ? `${r.status}: ${received === null ? 'no receiver figure' : `${formatBitsPerSecond(received)} received`} over ${r.load.bandwidth.connections} connection(s)`
    : `${r.status}: p50 ${formatUs(r.latency.p50Us)}, p99 ${r.latency.p99Us === null ? '–' : formatUs(r.latency.p99Us)}, ${Math.round(r.load.achievedRps)} rps`;
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

  /**
   * Counts from now instead of from the run's start: what comes before the first trial (the
   * host-pause probe, about 2 s) is in no trial's estimate, and would make the time left too short.
   */
  restart(): void {
    this.startedMs = Date.now();
  }

  /** "about 1m20s left"; empty once every trial has finished, and never "about 0ms". */
  leftText(): string {
    if (this.total > 0 && this.finished >= this.total) return '';
    const left = this.leftMs();
    return left < 1_000 ? 'under a second left' : `about ${formatDurationMs(left)} left`;
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
    const left = this.clock.leftText();
    this.out.write(`${stamp()} ${describe(r.trial, this.total)}: ${trialOutcomeText(r)}${left ? ` (${left})` : ''}\n`);
  }

  runFinished(result: RunResult): void {
    this.out.write(`${stamp()} run ${result.status}: ${result.trials.length}/${result.plannedTrials} trials\n`);
  }
}

/** A trial's warmup and window, so the bar can fill over the phase it is in. */
export interface TrialTiming {
  warmupMs: number;
  durationMs: number;
}

const BAR_WIDTH = 20;

/** "[██████░░░░░░]": the filled share of `fraction`, 0..1. */
export function bar(fraction: number, width = BAR_WIDTH): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
}

/**
 * On a terminal: one status line redrawn in place (twice a second and at every stage): a bar over
 * the current phase of the trial, the trial, its elapsed time in the phase, while measuring the
 * window's rps and failed requests so far (as the loader tells them: not from a cluster's loader
 * pods, and then the line says nothing rather than an old figure), and the run's time left.
 * Finished trials print a line above it.
 */
export class TerminalProgress implements ProgressSink {
  private readonly out: Output;
  private readonly timing: TrialTiming | undefined;
  private readonly clock = new Clock();
  private total = 0;
  private finished = 0;
  private trialStarted = false;
  private current: { trial: Trial; stage: TrialStage; sinceMs: number; live?: LiveLoad } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(out: Output, timing?: TrialTiming) {
    this.out = out;
    this.timing = timing;
  }

  runStarted(trials: readonly Trial[], estimatedMs: number, plannedTrials = trials.length): void {
    this.total = plannedTrials;
    this.clock.start(plannedTrials, estimatedMs);
    this.out.write(`Running ${trialCount(trials, plannedTrials)} trials, about ${formatDurationMs(estimatedMs)}. Ctrl-C stops and keeps finished trials.\n`);
    this.timer = setInterval(() => this.render(), 500);
    this.timer.unref();
  }

  trialStage(trial: Trial, stage: TrialStage): void {
    if (!this.trialStarted) this.clock.restart();
    this.trialStarted = true;
    this.current = { trial, stage, sinceMs: Date.now() };
    this.render();
  }

  /** Kept with the stage it came in, so a new stage (or trial) never shows the last one's counts. */
  trialLoad(live: LiveLoad): void {
    if (this.current) this.current.live = live;
  }

  trialFinished(r: TrialResult): void {
    this.clock.trialDone();
    this.finished++;
    this.clear();
    this.out.write(`  ${describe(r.trial, this.total)}: ${trialOutcomeText(r)}\n`);
    this.current = undefined;
  }

  runFinished(result: RunResult): void {
    clearInterval(this.timer);
    this.clear();
    this.out.write(`Run ${result.status}: ${result.trials.length}/${result.plannedTrials} trials.\n`);
  }

  /** The status line as it is now; the terminal gets it cut to its width. */
  statusLine(nowMs = Date.now()): string {
    if (!this.current) return '';
    const { trial, stage, sinceMs, live } = this.current;
    const elapsedMs = nowMs - sinceMs;
    const phaseMs = stage === 'warmup' ? this.timing?.warmupMs : stage === 'measure' ? this.timing?.durationMs : undefined;
    const phase = phaseMs ? `${bar(elapsedMs / phaseMs)} ${stage.padEnd(7)} ${formatDurationMs(Math.min(elapsedMs, phaseMs))}/${formatDurationMs(phaseMs)}` : `${bar(this.finished / Math.max(1, this.total))} ${stage.padEnd(7)} ${formatDurationMs(elapsedMs)}`;
    const parts = [
      phase,
      describe(trial, this.total),
      ...(stage === 'measure' && live ? liveText(live) : []),
      this.clock.leftText(),
    ];
    return parts.join(' · ');
  }

  private render(): void {
    const line = this.statusLine();
    if (!line) return;
    // A pseudo-terminal with no size says 0 columns: take 120 then.
    this.out.write(`\r\x1b[2K${[...line].slice(0, (this.out.columns || 120) - 1).join('')}`);
  }

  private clear(): void {
    this.out.write('\r\x1b[2K');
  }
}

/** "412 rps · 0 failed so far": the window so far; no rate yet in its first instant. */
function liveText(live: LiveLoad): string[] {
  const rps = liveRps(live);
  return [`${rps === null ? '–' : formatRps(rps)} rps`, `${live.failed} failed so far`];
}

function stamp(): string {
  return new Date().toISOString().slice(11, 19);
}

/** A live line on a terminal; the timestamped lines of a log when not a TTY or when CI is set. */
export function progressFor(out: Output, env: CliEnv, timing?: TrialTiming): ProgressSink {
  return out.isTTY && !isCI(env) ? new TerminalProgress(out, timing) : new PlainProgress(out);
}

/** CI=true, CI=1 and the like; CI=false or CI=0 is a person who exported it by hand. */
function isCI(env: CliEnv): boolean {
  const v = env.CI?.toLowerCase();
  return v !== undefined && v !== '' && v !== 'false' && v !== '0';
}

type CliEnv = Readonly<Record<string, string | undefined>>;

/** A redline search chooses its trials as it runs: its budget is a ceiling, not a count. */
const trialCount = (trials: readonly Trial[], planned: number): string => (planned > trials.length ? `up to ${planned}` : String(planned));
