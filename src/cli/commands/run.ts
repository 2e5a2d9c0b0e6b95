/** `bench run FILE`: plan, deploy, load, record; results on disk after every trial. */
import { randomBytes } from 'node:crypto';
import { join, relative, resolve } from 'node:path';
import { ExitCode, UsageError } from '../../errors.ts';
import { engineForScenario } from '../../load/index.ts';
import { REPORT_FORMATS } from '../../report/index.ts';
import { renderTerminalTable } from '../../report/terminal-table.ts';
import { RESULT_FILE } from '../../results/store.ts';
import { gateOutcome } from '../../results/compare/compare.ts';
import type { RunResult } from '../../results/model.ts';
import { summarizeRun, type RunSummary } from '../../results/summary.ts';
import { gateInWords } from '../../report/decision.ts';
import { describeEnvironment } from '../../run/environment.ts';
import { probeHostPauses } from '../../run/host-pauses.ts';
import { lagLimitCaveat } from '../../results/host-pauses.ts';
import { executeRun, type RunOptions } from '../../run/orchestrator.ts';
import { ResultFolder, writeReports } from '../../run/outputs.ts';
import { platformSetups } from '../../run/platforms.ts';
import type { Platform } from '../../platforms/types.ts';
import { describeNeeds, overSoftCeilings, planNeeds } from '../../scenario/needs.ts';
import { estimatePlanMs, expandPlan } from '../../scenario/plan.ts';
import { scenarioHash } from '../../scenario/resolve.ts';
import { booleanFlag, stringFlag, type Command, type Flags } from '../command.ts';
import type { CliIO } from '../io.ts';
import { COMPARE_OPTIONS, COST_OPTIONS, KUBE_OPTIONS, OUTPUT_OPTION } from '../options.ts';
import { progressFor } from '../progress-display.ts';
import { assertRunnable, loadScenario } from '../scenario-input.ts';
import { meshbenchVersion } from '../version.ts';
import { checkCompareFlags, inconclusivePolicy, printComparison } from './compare.ts';
import { renderPlan } from './plan.ts';
import { costAssumptions } from './report.ts';

export const runCommand: Command = {
  name: 'run',
  summary: 'run every trial; writes results/<UTC time>-<name>/ (result.json and every report)',
  usage: 'SCENARIO',
  args: { min: 1, max: 1, example: 'bench run scenarios/http-basic.yaml' },
  options: [
    { name: 'dry-run', type: 'boolean', description: 'plan only: print the trials and the estimated duration, start nothing' },
    { name: 'i-mean-it', type: 'boolean', description: "run a plan above meshbench's soft ceilings (over 24 h, 1000 trials, 2000 connections or 100000 rps; see docs/reliability.md)" },
    OUTPUT_OPTION("write the results folder under DIR instead of the scenario's `output`"),
    { name: 'baseline', type: 'string', value: 'PATH', description: 'compare with PATH at the end (a result.json, or a folder of past results); writes compare.md and compare.junit.xml' },
    ...COMPARE_OPTIONS,
    ...COST_OPTIONS,
    ...KUBE_OPTIONS,
  ],
  async run({ args, flags, io }) {
    const composed = await compose(args[0]!, flags, io);
    if (!composed) return ExitCode.ok;
    const result = await executeRun(composed.options);
    return finish(result, composed.folder, flags, io);
  },
};

interface Composed {
  options: RunOptions;
  folder: ResultFolder;
}

/** Everything a run needs, checked before anything starts; null for a dry run. */
async function compose(file: string, flags: Flags, io: CliIO): Promise<Composed | null> {
  const loaded = await loadScenario(file, io.cwd);
  assertRunnable(loaded);
  const { scenario } = loaded;
  const baseline = stringFlag(flags, 'baseline');
  // A typo in a gate, a cost flag or a missing baseline must fail now, not after the run.
  if (baseline) await checkCompareFlags(resolve(io.cwd, baseline), flags);
  costAssumptions(flags);
  const trials = expandPlan(scenario);
  const needs = planNeeds(scenario, trials);
  if (booleanFlag(flags, 'dry-run')) {
    io.stdout.write(`${renderPlan(scenario)}\n`);
    return null;
  }
  // A typo (`repetitions: 1000`, `rate: 100000`) must not hold a CI machine for days.
  const over = overSoftCeilings(needs);
  if (over.length && !booleanFlag(flags, 'i-mean-it')) {
    throw new UsageError({
      what: `the plan goes over meshbench's soft ceilings: ${over.join('; ')}`,
      where: file,
      fix: `check the scenario for a typo (\`bench plan ${file}\` shows the trials); to run it all the same, add --i-mean-it`,
    });
  }

  const startedAt = new Date();
  const runId = `${startedAt.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  // Filled by the platform's set-up and its collectors during the run; the environment holds this same array.
  const caveats: string[] = [];
  const loosened = scenario.load.mode === 'rate' ? lagLimitCaveat(scenario.load.schedulerLagLimitUs) : null;
  if (loosened) caveats.push(loosened);
  const { platform, collectors } = await platformSetups[scenario.platform](scenario, runId, {
    access: { kubeconfig: stringFlag(flags, 'kubeconfig'), context: stringFlag(flags, 'context') },
    env: io.env,
    signal: io.signal,
    warn: (m) => io.stderr.write(`warning: ${m}\n`),
    caveats,
  });
  const folder = await ResultFolder.create(resolve(io.cwd, stringFlag(flags, 'output') ?? scenario.output), startedAt, scenario.name).catch(async (error: unknown) => {
    await platform.close();
    throw error;
  });
  io.stdout.write(`${describeNeeds(needs)}\nResults: ${shownPath(io, folder)}/\n`);
  const path = resolve(io.cwd, file);
  return {
    folder,
    options: {
      runId,
      meshbenchVersion: meshbenchVersion(),
      startedAt,
      scenarioFile: relative(io.cwd, path) || path,
      scenarioHash: scenarioHash(scenario),
      scenario,
      trials,
      estimatedMs: estimatePlanMs(scenario, trials),
      environment: liveEnvironment(platform, caveats),
      platform,
      engine: engineForScenario(scenario.load),
      collectors,
      progress: progressFor(io.stderr, io.env),
      // Kubernetes loaders run on the cluster's nodes: this machine's pauses say nothing of them.
      ...(scenario.platform !== 'kubernetes' && scenario.load.mode === 'rate' && { probeHost: (signal: AbortSignal) => probeHostPauses({ signal }) }),
      persist: (r) => folder.persist(r),
      signal: io.signal,
    },
  };
}

/**
 * The environment as the result records it after every trial: a platform learns some versions
 * from the trials' own pods (Kubernetes: proxy images, native sidecars), and its collectors add
 * caveats as they find them, so both are read when the result is written, not only now.
 */
function liveEnvironment(platform: Platform, caveats: string[]): RunOptions['environment'] {
  const environment = { ...describeEnvironment(platform.name, platform.layout, platform.components), caveats };
  return Object.defineProperty(environment, 'components', { enumerable: true, get: () => ({ ...platform.components }) });
}

const shownPath = (io: CliIO, folder: ResultFolder) => relative(io.cwd, folder.path) || folder.path;

/**
 * Reports, the gates, and the exit code (DESIGN.md "Exit codes"): 1 when a gate regressed, else 3
 * when not every trial finished, else 0. A run with failed trials is still gated: its error-rate
 * and throughput gates read every trial that measured a window.
 */
async function finish(result: RunResult, folder: ResultFolder, flags: Flags, io: CliIO): Promise<number> {
  const shown = shownPath(io, folder);
  const summary = summarizeRun(result);
  // Reports come from result.json alone, so a report of an interrupted run is as good as its data.
  const reports = await writeReports(folder.path, result, REPORT_FORMATS, costAssumptions(flags), summary);
  io.stdout.write(`\n${renderTerminalTable(result, summary)}\n\nWrote ${shown}/${RESULT_FILE}, ${reports.filter((p) => !p.startsWith('histograms/')).map((p) => `${shown}/${p}`).join(', ')} and ${shown}/histograms/\n`);
  const invalid = result.trials.filter((t) => t.status === 'invalid').length;
  if (invalid) io.stderr.write(`warning: ${invalid} trial(s) are invalid and left out of the figures; see "reasons" in results.csv\n`);
  const clamped = result.trials.reduce((n, t) => n + (t.status === 'valid' || t.status === 'invalid' ? (t.load.clampedLatencies ?? 0) : 0), 0);
  if (clamped) io.stderr.write(`warning: ${clamped} latency value(s) above the histograms' 60 s ceiling were recorded as 60 s (column clamped_latencies in results.csv)\n`);
  if (result.status === 'interrupted') {
    io.stderr.write(`Interrupted: ${result.trials.filter((t) => t.status !== 'aborted').length} finished trial(s) kept in ${shown}/${RESULT_FILE}; every process was stopped.\n`);
    return ExitCode.runFailed;
  }
  const regressed = (await crossMeshGates(summary, flags, io)) || (await baselineGates(result, folder, flags, io));
  const failed = result.trials.find((t) => t.status === 'failed');
  if (failed?.status === 'failed') {
    io.stderr.write(`error: trial ${failed.trial.index + 1} (${failed.trial.mesh}) failed in ${failed.stage}: ${failed.error.what}\n${failed.error.fix ? `  hint: ${failed.error.fix}\n` : ''}`);
  }
  return regressed ? ExitCode.regression : failed ? ExitCode.runFailed : ExitCode.ok;
}

/** The scenario's cross-mesh gates, judged within the run; true when one regressed. */
async function crossMeshGates(summary: RunSummary, flags: Flags, io: CliIO): Promise<boolean> {
  if (summary.decisions.length === 0) return false;
  io.stdout.write(`\nThe decision (cross-mesh gates of the scenario):\n${summary.decisions.map((r) => `  ${gateInWords(r, (m) => m)}`).join('\n')}\n`);
  return gateOutcome(summary.decisions, inconclusivePolicy(stringFlag(flags, 'inconclusive'))) === 'regression';
}

/** `--baseline`: gates against past runs; true when one regressed. */
async function baselineGates(result: RunResult, folder: ResultFolder, flags: Flags, io: CliIO): Promise<boolean> {
  const baseline = stringFlag(flags, 'baseline');
  if (!baseline) return false;
  io.stdout.write('\n');
  const comparison = await printComparison(resolve(io.cwd, baseline), result, join(folder.path, RESULT_FILE), flags, io, { markdown: join(folder.path, 'compare.md'), junit: join(folder.path, 'compare.junit.xml') });
  return comparison.outcome === 'regression';
}
