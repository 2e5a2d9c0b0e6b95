/** `bench run FILE`: plan, deploy, load, record; results on disk after every trial. */
import { randomBytes } from 'node:crypto';
import { join, relative, resolve } from 'node:path';
import { ExitCode, RunError } from '../../errors.ts';
import { engines } from '../../load/index.ts';
import { platforms } from '../../platforms/index.ts';
import { renderTrialsCsv } from '../../report/csv.ts';
import { renderTerminalTable } from '../../report/terminal-table.ts';
import type { RunResult } from '../../results/model.ts';
import { createResultFolder, RESULT_FILE, writeFileAtomic } from '../../results/store.ts';
import { describeEnvironment } from '../../run/environment.ts';
import { executeRun } from '../../run/orchestrator.ts';
import { estimatePlanMs, expandPlan } from '../../scenario/plan.ts';
import { scenarioHash } from '../../scenario/resolve.ts';
import { meshbenchVersion } from '../version.ts';
import { REPORT_FORMATS, type CostAssumptions } from '../../report/index.ts';
import type { CliIO } from '../io.ts';
import { progressFor } from '../progress-display.ts';
import { assertRunnable, loadScenario } from '../scenario-input.ts';
import { checkCompareFlags, runComparison, type CompareFlags } from './compare.ts';
import { renderPlan } from './plan.ts';
import { writeReports } from './report.ts';

export interface RunFlags {
  dryRun: boolean;
  /** Compare with this baseline at the end of a completed run. */
  baseline: string | undefined;
  compare: CompareFlags;
  cost: CostAssumptions;
  /** Overrides the scenario's `output`; relative to the working directory. */
  output: string | undefined;
}

export async function runCommand(file: string, flags: RunFlags, io: CliIO): Promise<number> {
  const path = resolve(io.cwd, file);
  const loaded = await loadScenario(file, io.cwd);
  assertRunnable(loaded);
  const { scenario } = loaded;
  // A typo in a gate or a missing baseline must fail now, not after the run.
  if (flags.baseline) await checkCompareFlags(resolve(io.cwd, flags.baseline), flags.compare);
  if (flags.dryRun) {
    io.stdout.write(`${renderPlan(scenario)}\n`);
    return ExitCode.ok;
  }

  const trials = expandPlan(scenario);
  const startedAt = new Date();
  const runId = `${startedAt.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  const { platform, collector, haproxyVersion } = await platforms[scenario.platform]!(scenario, runId);
  const outputDir = resolve(io.cwd, flags.output ?? scenario.output);
  const folder = await createResultFolder(outputDir, startedAt, scenario.name).catch(async (cause: unknown) => {
    await platform.close();
    throw new RunError({ what: `cannot create the results folder in ${outputDir}`, where: 'output', fix: 'choose a writable folder with --output', cause });
  });
  const shown = relative(io.cwd, folder) || folder;
  io.stdout.write(`Results: ${shown}/\n`);

  const engine = engines[scenario.load.mode]!(scenario.load);
  const persist = async (r: RunResult) => {
    await writeFileAtomic(join(folder, RESULT_FILE), `${JSON.stringify(r, null, 2)}\n`);
    await writeFileAtomic(join(folder, 'results.csv'), renderTrialsCsv(r));
  };
  const result = await executeRun({
    runId,
    meshbenchVersion: meshbenchVersion(),
    startedAt,
    scenarioFile: relative(io.cwd, path) || path,
    scenarioHash: scenarioHash(scenario),
    scenario,
    trials,
    estimatedMs: estimatePlanMs(scenario, trials),
    environment: describeEnvironment(platform.name, haproxyVersion),
    platform,
    engine,
    collector,
    progress: progressFor(io.stderr, io.env),
    persist,
    signal: io.signal,
  });

  // Reports come from result.json alone, so a report of an interrupted run is as good as its data.
  const reports = await writeReports(folder, result, REPORT_FORMATS, flags.cost);
  io.stdout.write(`\n${renderTerminalTable(result)}\n\nWrote ${shown}/${RESULT_FILE}, ${reports.filter((p) => !p.startsWith('histograms/')).map((p) => `${shown}/${p}`).join(', ')} and ${shown}/histograms/\n`);
  if (result.status === 'completed') {
    const invalid = result.trials.filter((t) => t.status === 'invalid').length;
    if (invalid) io.stderr.write(`warning: ${invalid} trial(s) are invalid and left out of the figures; see "reasons" in results.csv\n`);
    if (!flags.baseline) return ExitCode.ok;
    io.stdout.write('\n');
    const comparison = await runComparison(resolve(io.cwd, flags.baseline), result, {
      ...flags.compare,
      markdown: flags.compare.markdown ?? join(folder, 'compare.md'),
      junit: flags.compare.junit ?? join(folder, 'compare.junit.xml'),
    }, io);
    return comparison.outcome === 'pass' ? ExitCode.ok : ExitCode.regression;
  }
  if (result.status === 'interrupted') {
    io.stderr.write(`Interrupted: ${result.trials.filter((t) => t.status !== 'aborted').length} finished trial(s) kept in ${shown}/${RESULT_FILE}; every process was stopped.\n`);
    return ExitCode.runFailed;
  }
  const failed = result.trials.find((t) => t.status === 'failed');
  if (failed?.status === 'failed') {
    io.stderr.write(`error: trial ${failed.trial.index + 1} (${failed.trial.mesh}) failed in ${failed.stage}: ${failed.error.what}\n${failed.error.fix ? `  hint: ${failed.error.fix}\n` : ''}`);
  }
  return ExitCode.runFailed;
}
