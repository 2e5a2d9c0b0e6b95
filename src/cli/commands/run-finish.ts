/**
 * The end of `bench run`: the gates, the reports, the record, the exit code (DESIGN.md "Exit
 * codes"): 1 when a gate failed (a firm regression, or no data), else 3 when not every trial
 * finished or a mesh has no valid trial, else 0. Both kinds of gates are judged, also after an
 * interrupt (on the cells reached), and their verdicts recorded in result.json.
 */
import { join, relative, resolve } from 'node:path';
import { ExitCode } from '../../errors.ts';
import { gateInWords } from '../../report/decision.ts';
import { renderComparisonText } from '../../report/compare-text.ts';
import { REPORT_FORMATS } from '../../report/index.ts';
import { renderRedlineText } from '../../report/redline-text.ts';
import { renderTerminalTable } from '../../report/terminal-table.ts';
import type { Comparison } from '../../results/compare/types.ts';
import { outcomeFails } from '../../results/compare/verdict.ts';
import { meshesWithoutValidTrial } from '../../results/coverage.ts';
import { gateRecord } from '../../results/gate-record.ts';
import { stepLinesForRun } from '../../results/history/index.ts';
import type { RunResult } from '../../results/model.ts';
import { RESULT_FILE } from '../../results/store.ts';
import { summarizeRun, withDecisions, type RunSummary } from '../../results/summary.ts';
import { displayNames, headline } from '../../results/headline.ts';
import { headlineText } from '../../report/headline.ts';
import { type ResultFolder, writeReports } from '../../run/outputs.ts';
import { stringFlag, type Flags } from '../command.ts';
import type { CliIO } from '../io.ts';
import { confidenceLevel, inconclusivePolicy, runComparison } from './compare.ts';
import { costAssumptions } from './report.ts';

/** The exit code, and the summary every output was made from (for --json). */
export async function finish(result: RunResult, folder: ResultFolder, flags: Flags, io: CliIO): Promise<{ code: number; summary: RunSummary }> {
  const shown = relative(io.cwd, folder.path) || folder.path;
  const { summary, gateFailed } = await judgeAndReport(result, folder, shown, flags, io);
  io.stdout.write(`\n${headlineText(headline(summary, displayNames(result)))}\n`);
  return { code: exitCode(result, gateFailed, shown, io), summary };
}

async function judgeAndReport(result: RunResult, folder: ResultFolder, shown: string, flags: Flags, io: CliIO): Promise<{ summary: RunSummary; gateFailed: boolean }> {
  const policy = inconclusivePolicy(stringFlag(flags, 'inconclusive'));
  const baselinePath = stringFlag(flags, 'baseline');
  const comparison = baselinePath ? await runComparison(resolve(io.cwd, baselinePath), result, flags, io, { markdown: join(folder.path, 'compare.md'), junit: join(folder.path, 'compare.junit.xml') }) : null;
  // An archive given for a mesh (the App Mesh archive of a migration) is what the decision judges.
  const summary = withDecisions(summarizeRun(result, confidenceLevel(stringFlag(flags, 'confidence'))), comparison?.results.filter((r) => r.gate.kind === 'cross' && !r.sources.baseline.endsWith('from this run')) ?? []);
  // Reports come from result.json alone, so a report of an interrupted run is as good as its data.
  const reports = await writeReports(folder.path, result, REPORT_FORMATS, costAssumptions(flags), summary);
  io.stdout.write(`\n${renderTerminalTable(result, summary)}\n\nWrote ${shown}/${RESULT_FILE}, ${reports.filter((p) => !p.startsWith('histograms/')).map((p) => `${shown}/${p}`).join(', ')}${reports.some((p) => p.startsWith('histograms/')) ? ` and ${shown}/histograms/` : ''}\n`);
  const redline = renderRedlineText(result);
  if (redline) io.stdout.write(`\n${redline}\n`);
  warnings(result, io);

  if (summary.decisions.length) io.stdout.write(`\nThe decision (cross-mesh gates of the scenario):\n${summary.decisions.map((r) => `  ${gateInWords(r, (m) => m)}`).join('\n')}\n`);
  if (comparison) io.stdout.write(`\n${renderComparisonText(comparison)}\n`);
  const record = gateRecord({ baseline: comparison ? baselineSide(comparison) : null, crossMesh: summary.decisions, at: new Date() });
  if (record) await folder.persist({ ...result, gate: record });
  // Tonight's point in a step that the baseline folder's history shows ("a step of +8 % in istio P99 ... since DATE").
  if (baselinePath) for (const line of await stepLinesForRun(resolve(io.cwd, baselinePath), result)) io.stdout.write(`${line}\n`);
  return { summary, gateFailed: record !== null && outcomeFails(record.outcome, policy) };
}

function exitCode(result: RunResult, gateFailed: boolean, shown: string, io: CliIO): number {
  if (result.status === 'interrupted') {
    io.stderr.write(`Interrupted: ${result.trials.filter((t) => t.status !== 'aborted').length} finished trial(s) kept in ${shown}/${RESULT_FILE}; every process was stopped.\n`);
    return gateFailed ? ExitCode.regression : ExitCode.runFailed;
  }
  const failed = result.trials.find((t) => t.status === 'failed');
  if (failed?.status === 'failed') {
    io.stderr.write(`error: trial ${failed.trial.index + 1} (${failed.trial.mesh}) failed in ${failed.stage}: ${failed.error.what}\n${failed.error.fix ? `  hint: ${failed.error.fix}\n` : ''}`);
  }
  const empty = meshesWithoutValidTrial(result);
  if (empty.length) {
    io.stderr.write(`error: no valid trial for ${empty.join(', ')}: the run measured nothing usable for ${empty.length === 1 ? 'that mesh' : 'those meshes'} (see "reasons" in results.csv); it cannot serve as a baseline\n`);
  }
  return gateFailed ? ExitCode.regression : failed || empty.length ? ExitCode.runFailed : ExitCode.ok;
}

/** The baseline's own gates; cross-mesh ones are the decision's, recorded once. */
function baselineSide(c: Comparison) {
  return { description: c.baseline.description, results: c.results.filter((r) => r.gate.kind !== 'cross') };
}

function warnings(result: RunResult, io: CliIO): void {
  const invalid = result.trials.filter((t) => t.status === 'invalid').length;
  if (invalid) io.stderr.write(`warning: ${invalid} trial(s) are invalid and left out of the latency and resource figures (throughput and error gates still read them); see "reasons" in results.csv\n`);
  const clamped = result.trials.reduce((n, t) => n + (t.status === 'valid' || t.status === 'invalid' ? (t.load.clampedLatencies ?? 0) : 0), 0);
  if (clamped) io.stderr.write(`warning: ${clamped} latency value(s) above the histograms' 60 s ceiling were recorded as 60 s (column clamped_latencies in results.csv)\n`);
}
