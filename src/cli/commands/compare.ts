/** `bench compare BASELINE CANDIDATE`: gates with noise-aware verdicts; exit 1 on regression. */
import { stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, UsageError } from '../../errors.ts';
import { renderComparisonJunit } from '../../report/compare-junit.ts';
import { renderComparisonMarkdown } from '../../report/compare-markdown.ts';
import { renderComparisonText } from '../../report/compare-text.ts';
import { compareWithBaseline, DEFAULT_GATES, parseGates, resolveResultFile, type Comparison } from '../../results/compare/index.ts';
import type { RunResult } from '../../results/model.ts';
import { readResult } from '../../results/store.ts';
import type { CliIO } from '../io.ts';

export interface CompareFlags {
  gates: readonly string[];
  inconclusive: string | undefined;
  force: boolean;
  baselineRuns: string | undefined;
  markdown: string | undefined;
  junit: string | undefined;
}

export function inconclusivePolicy(value: string | undefined): 'pass' | 'fail' {
  if (value === undefined || value === 'pass' || value === 'fail') return value ?? 'pass';
  throw new UsageError({ what: `--inconclusive must be pass or fail, not "${value}"`, fix: 'pass (default: do not fail on noise) or fail (strict)' });
}

function baselineRuns(value: string | undefined): number {
  const n = Number(value ?? 5);
  if (!Number.isInteger(n) || n < 1) throw new UsageError({ what: `--baseline-runs must be a whole number of at least 1, not "${value}"`, fix: '--baseline-runs 5' });
  return n;
}

/** Gates from the flags, else from the candidate's scenario, else the defaults. */
export function gatesFor(candidate: RunResult, flags: readonly string[]) {
  if (flags.length) return parseGates(flags, (i) => `--gate #${i + 1}`);
  const fromScenario = candidate.scenario.gates;
  if (fromScenario.length) return parseGates(fromScenario, (i) => `${candidate.scenarioFile}: gates[${i}]`);
  return parseGates(DEFAULT_GATES, () => 'default gates');
}

/** Checks what a comparison at the end of a run will need, before the run starts. */
export async function checkCompareFlags(baseline: string, flags: CompareFlags): Promise<void> {
  parseGates(flags.gates, (i) => `--gate #${i + 1}`);
  inconclusivePolicy(flags.inconclusive);
  baselineRuns(flags.baselineRuns);
  const found = await stat(baseline).then(() => true, () => false);
  if (!found) throw new UsageError({ what: 'baseline not found', where: baseline, fix: 'pass a result.json, a results folder, or a folder of past results' });
}

export async function runComparison(baseline: string, candidate: RunResult, flags: CompareFlags, io: CliIO): Promise<Comparison> {
  const comparison = await compareWithBaseline(baseline, candidate, {
    gates: gatesFor(candidate, flags.gates),
    inconclusive: inconclusivePolicy(flags.inconclusive),
    force: flags.force,
    baselineRuns: baselineRuns(flags.baselineRuns),
  });
  io.stdout.write(`${renderComparisonText(comparison)}\n`);
  if (flags.markdown) await writeFile(resolve(io.cwd, flags.markdown), renderComparisonMarkdown(comparison));
  if (flags.junit) await writeFile(resolve(io.cwd, flags.junit), renderComparisonJunit(comparison));
  return comparison;
}

export async function compareCommand(args: readonly string[], flags: CompareFlags, io: CliIO): Promise<number> {
  if (args.length !== 2) {
    throw new UsageError({ what: `\`bench compare\` takes BASELINE and CANDIDATE, got ${args.length} argument(s)`, fix: 'bench compare results/nightly/ results/20261122T093000Z-http-basic/' });
  }
  const [baselinePath, candidatePath] = args.map((a) => resolve(io.cwd, a)) as [string, string];
  const candidateFile = await resolveResultFile(candidatePath);
  if (!candidateFile) throw new UsageError({ what: 'no result.json here', where: args[1], fix: 'pass the result.json (or the results folder) of the run to check' });
  const comparison = await runComparison(baselinePath, await readResult(candidateFile), flags, io);
  return comparison.outcome === 'pass' ? ExitCode.ok : ExitCode.regression;
}
