/**
 * Walks every trial of a plan through its named stages (deploy, warmup, measure, teardown) and
 * records where a failure came from, as k6-operator's stages do. Teardown always runs. The result
 * is handed to `persist` after every trial, so a crash or Ctrl-C keeps what was finished.
 */
import { isMeshbenchError } from '../errors.ts';
import type { Collector, ResourceUsage } from '../collectors/types.ts';
import type { LoadEngine, LoadOutcome } from '../load/types.ts';
import { meshAdapter } from '../meshes/index.ts';
import type { Deployment, Platform } from '../platforms/types.ts';
import { clampedCount, encodeHistogram, mergeHistograms, summarize } from '../results/histogram.ts';
import type { Environment, HostPauses, MeasuredTrial, RunResult, TrialResult, TrialStage } from '../results/model.ts';
import { SCHEMA_VERSION } from '../results/model.ts';
import { busiestLoaderCpuCores } from '../results/resources.ts';
import { invalidReasons } from '../results/validity.ts';
import { meshRedlines } from '../results/redline.ts';
import { loadLevels, type Trial } from '../scenario/plan.ts';
import type { ResolvedScenario } from '../scenario/resolve.ts';
import type { ProgressSink } from './progress.ts';
import { runLoadStage } from './load-stage.ts';
import { fixedSchedule, redlineSchedule } from './redline-schedule.ts';

export interface RunOptions {
  runId: string;
  meshbenchVersion: string;
  startedAt: Date;
  scenarioFile: string;
  scenarioHash: string;
  scenario: ResolvedScenario;
  /** The planned trials; a redline search (scenario.load.redline) chooses its own as it runs. */
  trials: readonly Trial[];
  /** What `plannedTrials` says: the trials' count, or a redline search's whole budget. */
  plannedTrials?: number;
  estimatedMs: number;
  environment: Environment;
  platform: Platform;
  engine: LoadEngine;
  /** Collectors that can watch the platform's containers; none measures latency only. */
  collectors: readonly Collector[];
  progress: ProgressSink;
  persist: (result: RunResult) => Promise<void>;
  signal: AbortSignal;
  /** Recorded in the result as given (RunResult.overrides). */
  overrides?: RunResult['overrides'];
  /** Why the platform's layout (RunResult.layout). */
  layoutReason?: string;
  /**
   * Probes how often the machine pauses a running thread (run/host-pauses.ts), once before the
   * first trial (into the environment) and again, shorter, after a trial whose loader fell behind
   * (into that trial); set when the loader runs on this machine.
   */
  probeHost?: (signal: AbortSignal, durationMs?: number) => Promise<HostPauses>;
}

/**
 * The probe taken after a trial whose loader fell behind: the run's probe saw the machine before
 * the first trial, and load that came later only shows here. Short, since it costs a core.
 */
export const TRIAL_PROBE_MS = 1_000;

export async function executeRun(o: RunOptions): Promise<RunResult> {
  const result: RunResult = {
    schemaVersion: SCHEMA_VERSION,
    meshbenchVersion: o.meshbenchVersion,
    runId: o.runId,
    status: 'running',
    startedAt: o.startedAt.toISOString(),
    finishedAt: null,
    scenarioFile: o.scenarioFile,
    scenarioHash: o.scenarioHash,
    scenario: o.scenario,
    environment: o.environment,
    levels: loadLevels(o.scenario),
    plannedTrials: o.plannedTrials ?? o.trials.length,
    trials: [],
    source: { kind: 'measured' },
    gate: null,
    ...(o.overrides?.length ? { overrides: o.overrides } : {}),
    ...(o.layoutReason ? { layout: { name: o.environment.layout, reason: o.layoutReason } } : {}),
  };
  o.progress.runStarted(o.trials, o.estimatedMs, result.plannedTrials);
  // Set when the run stops for a reason other than Ctrl-C: results that cannot be written, a bug.
  let stopped = false;
  try {
    if (o.probeHost && !o.signal.aborted) {
      // A probe that cannot run leaves the figure out: it explains results, it is not one.
      const pauses = await o.probeHost(o.signal).catch(() => undefined);
      if (pauses) result.environment.hostPauses = pauses;
    }
    await o.persist(result);
    const schedule = o.scenario.load.redline ? redlineSchedule(o.scenario.meshes) : fixedSchedule(o.trials);
    for (let trial = schedule.next(result); trial; trial = schedule.next(result)) {
      if (o.signal.aborted) break;
      const outcome = await runTrial(trial, o);
      if (!result.levels.some((l) => l.id === trial.level.id)) result.levels.push(trial.level);
      result.trials.push(outcome);
      if (o.scenario.load.redline) result.redline = meshRedlines(result);
      o.progress.trialFinished(outcome);
      // A failed trial is kept with its stage and cause; the run goes on (DESIGN.md).
      await o.persist(result);
    }
  } catch (error) {
    stopped = true;
    throw error;
  } finally {
    try {
      await o.platform.close();
    } finally {
      // Even when closing the platform fails, the file says how the run ended. After a failed
      // write, persist() keeps writing where it fell back to (outputs.ts), so this still lands.
      const failed = stopped || result.trials.some((t) => t.status === 'failed');
      result.status = o.signal.aborted ? 'interrupted' : failed ? 'failed' : 'completed';
      result.finishedAt = new Date().toISOString();
      await o.persist(result);
    }
  }
  o.progress.runFinished(result);
  return result;
}

async function runTrial(trial: Trial, o: RunOptions): Promise<TrialResult> {
  const startedAt = new Date().toISOString();
  let stage: TrialStage = 'deploy';
  const enter = (s: TrialStage) => {
    stage = s;
    o.progress.trialStage(trial, s);
  };
  const failure = (error: unknown, at: TrialStage, meshLabel: string): TrialResult => {
    if (o.signal.aborted) return { status: 'aborted', trial, mesh: trial.mesh, startedAt, stage: at };
    const e = isMeshbenchError(error)
      ? { what: error.what, where: error.where ?? null, fix: error.fix ?? null }
      : { what: `internal error: ${error instanceof Error ? error.message : String(error)}`, where: null, fix: 'this is a meshbench bug; please report it with the output of --debug' };
    return { status: 'failed', trial, mesh: trial.mesh, meshLabel, startedAt, stage: at, error: e };
  };

  let deployment: Deployment;
  try {
    enter('deploy');
    deployment = await o.platform.deploy({ trial, mesh: meshAdapter(o.scenario, trial.mesh), workload: o.scenario.workload }, o.signal);
  } catch (error) {
    return failure(error, 'deploy', trial.mesh);
  }

  let outcome: LoadOutcome | undefined;
  let resources: ResourceUsage[] = [];
  let loadError: unknown;
  let loadStage: TrialStage = stage;
  let windowStartedAt: string | null = null;
  // A process of the deployment that dies stops the load at once: the trial fails with its cause
  // instead of measuring a dead target until the window ends.
  const loadSignal = deployment.lost ? AbortSignal.any([o.signal, deployment.lost]) : o.signal;
  try {
    const spec = {
      connections: trial.level.connections,
      targetRps: trial.level.targetRps,
      warmupMs: o.scenario.load.warmupMs,
      durationMs: o.scenario.load.durationMs,
      timeoutMs: o.scenario.load.timeoutMs,
    };
    ({ outcome, resources } = await runLoadStage(deployment, {
      spec,
      engine: o.engine,
      collectors: o.collectors,
      signal: loadSignal,
      onPhase: (phase) => {
        if (phase === 'measure') windowStartedAt = new Date().toISOString();
        enter(phase);
      },
      ...(o.progress.trialLoad && { onLive: (live) => o.progress.trialLoad?.(live) }),
    }));
  } catch (error) {
    outcome = undefined;
    loadError = !o.signal.aborted && deployment.lost?.aborted ? deployment.lost.reason : error;
    loadStage = stage;
  }
  // Lost after the window (during the drain or the resource read): the figures would be cut short.
  if (outcome && deployment.lost?.aborted && !o.signal.aborted) {
    outcome = undefined;
    loadError = deployment.lost.reason;
    loadStage = stage;
  }

  enter('teardown');
  try {
    await o.platform.teardown(deployment);
  } catch (error) {
    // The first failure is the one to report; a teardown failure after a load failure is noise.
    if (!loadError) return failure(error, 'teardown', deployment.meshLabel);
  }
  if (!outcome) return failure(loadError, loadStage, deployment.meshLabel);
  const facts = { trial, meshLabel: deployment.meshLabel, startedAt, windowStartedAt };
  const measured = measuredTrial(facts, outcome, resources, o);
  if (!outcome.loaderSaturated || !o.probeHost || o.signal.aborted) return measured;
  const pauses = await o.probeHost(o.signal, TRIAL_PROBE_MS).catch(() => undefined);
  return pauses ? measuredTrial(facts, outcome, resources, o, pauses) : measured;
}

interface TrialFacts {
  trial: Trial;
  meshLabel: string;
  startedAt: string;
  windowStartedAt: string | null;
}

function measuredTrial({ trial, meshLabel, startedAt, windowStartedAt }: TrialFacts, outcome: LoadOutcome, resources: ResourceUsage[], o: RunOptions, trialHostPauses?: HostPauses): MeasuredTrial {
  const errors = Object.values(outcome.errorsByClass).reduce((a, b) => a + b, 0);
  const load = {
    mode: o.scenario.load.mode,
    engine: outcome.engine,
    requests: outcome.ok.totalCount + outcome.non2xx.totalCount + errors,
    responses2xx: outcome.ok.totalCount,
    responsesNon2xx: outcome.non2xx.totalCount,
    errors,
    errorsByClass: outcome.errorsByClass,
    durationMs: outcome.durationMs,
    targetRps: outcome.targetRps,
    achievedRps: outcome.achievedRps,
    sentRps: outcome.sentRps,
    clampedLatencies: clampedCount([outcome.ok, outcome.non2xx, outcome.error]),
    ...(outcome.bandwidth && { bandwidth: outcome.bandwidth }),
  };
  const loaderCpuCores = busiestLoaderCpuCores(resources);
  const reasons = invalidReasons({ load, errorBudget: o.scenario.load.errorBudget, loaderSaturated: outcome.loaderSaturated, loaderCpuCores, hostPauses: o.environment.hostPauses, ...(trialHostPauses && { trialHostPauses }), lagLimitUs: o.scenario.load.schedulerLagLimitUs });
  return {
    status: reasons.length ? 'invalid' : 'valid',
    reasons,
    trial,
    mesh: trial.mesh,
    meshLabel,
    startedAt,
    load,
    latency: summarize(outcome.ok),
    allAttemptsLatency: summarize(mergeHistograms([outcome.ok, outcome.non2xx, outcome.error])),
    windowStartedAt,
    uncorrectedLatency: outcome.uncorrected && summarize(outcome.uncorrected),
    schedulerLag: outcome.schedulerLag && summarize(outcome.schedulerLag),
    ...(trialHostPauses && { hostPauses: trialHostPauses }),
    resources,
    histograms: {
      latencyUs: encodeHistogram(outcome.ok),
      non2xxLatencyUs: encodeHistogram(outcome.non2xx),
      errorLatencyUs: encodeHistogram(outcome.error),
      uncorrectedLatencyUs: outcome.uncorrected && encodeHistogram(outcome.uncorrected),
      schedulerLagUs: outcome.schedulerLag && encodeHistogram(outcome.schedulerLag),
    },
  };
}
