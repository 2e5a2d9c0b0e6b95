/** `bench compare BASELINE CANDIDATE`: gates with noise-aware verdicts; exit 1 on regression. */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, UsageError } from '../../errors.ts';
import { renderComparisonText } from '../../report/compare-text.ts';
import { BANDWIDTH_DEFAULT_GATES, DEFAULT_GATES, parseGates, resolveResultFile, type Comparison, type CompareRunOptions } from '../../results/compare/index.ts';
import type { RunResult } from '../../results/model.ts';
import { readResult } from '../../results/store.ts';
import { compareAndWrite } from '../../run/outputs.ts';
import { booleanFlag, listFlag, stringFlag, type Command, type Flags } from '../command.ts';
import type { CliIO } from '../io.ts';
import { COMPARE_OPTIONS, JSON_OPTION } from '../options.ts';
import { meshbenchVersion } from '../version.ts';
import { DEFAULT_CONFIDENCE } from '../../results/compare/intervals.ts';
import { compareJson, renderJson } from '../../report/json.ts';

export function inconclusivePolicy(value: string | undefined): 'pass' | 'fail' {
  if (value === undefined || value === 'pass' || value === 'fail') return value ?? 'pass';
  throw new UsageError({ what: `--inconclusive must be pass or fail, not "${value}"`, fix: 'pass (default: do not fail on noise) or fail (strict)' });
}

export function confidenceLevel(value: string | undefined): number {
  const level = Number(value ?? DEFAULT_CONFIDENCE);
  if (!(level >= 0.5 && level <= 0.999)) throw new UsageError({ what: `--confidence must be a level between 0.5 and 0.999, not "${value}"`, fix: '--confidence 0.95 (6 pairs reach it) or 0.9 (5 pairs)' });
  return level;
}

function noForce(flags: Flags): void {
  if (booleanFlag(flags, 'force')) {
    throw new UsageError({ what: '--force was split in two: it waived both the scenario and the environment check', where: '--force', fix: 'pass --allow-env-diff (another machine, platform or layout) and/or --allow-scenario-diff (another scenario)' });
  }
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
  return parseGates(candidate.scenario.load.mode === 'bandwidth' ? BANDWIDTH_DEFAULT_GATES : DEFAULT_GATES, () => 'default gates');
}

/** Checks what a comparison at the end of a run will need, before the run starts. */
export async function checkCompareFlags(baseline: string, flags: Flags): Promise<void> {
  parseGates(listFlag(flags, 'gate'), (i) => `--gate #${i + 1}`);
  inconclusivePolicy(stringFlag(flags, 'inconclusive'));
  confidenceLevel(stringFlag(flags, 'confidence'));
  noForce(flags);
  baselineRuns(stringFlag(flags, 'baseline-runs'));
  const found = await stat(baseline).then(() => true, () => false);
  if (!found) throw new UsageError({ what: 'baseline not found', where: baseline, fix: 'pass a result.json, a results folder, or a folder of past results' });
}

function compareOptions(candidate: RunResult, flags: Flags): CompareRunOptions {
  noForce(flags);
  return {
    gates: gatesFor(candidate, listFlag(flags, 'gate')),
    inconclusive: inconclusivePolicy(stringFlag(flags, 'inconclusive')),
    confidence: confidenceLevel(stringFlag(flags, 'confidence')),
    allowEnvDiff: booleanFlag(flags, 'allow-env-diff'),
    allowScenarioDiff: booleanFlag(flags, 'allow-scenario-diff'),
    baselineRuns: baselineRuns(stringFlag(flags, 'baseline-runs')),
    referenceMesh: stringFlag(flags, 'reference-mesh') ?? null,
    level: stringFlag(flags, 'level') ?? null,
    meshbenchVersion: meshbenchVersion(),
  };
}

/**
 * Compares and writes the files asked for (paths relative to cwd). The candidate's result.json is
 * rewritten only when `recordIn` is given (`bench compare --record`): an ad-hoc look writes nothing.
 */
export async function runComparison(baseline: string, candidate: RunResult, flags: Flags, io: CliIO, o: { recordIn?: string; markdown?: string; junit?: string } = {}): Promise<Comparison> {
  const file = (name: 'markdown' | 'junit') => {
    const path = stringFlag(flags, name) ?? o[name];
    return path === undefined ? undefined : resolve(io.cwd, path);
  };
  return compareAndWrite(baseline, candidate, compareOptions(candidate, flags), { markdown: file('markdown'), junit: file('junit') }, o.recordIn);
}

/** Compares, writes, and prints the verdict table. */
export async function printComparison(baseline: string, candidate: RunResult, flags: Flags, io: CliIO, o: { recordIn?: string; markdown?: string; junit?: string } = {}): Promise<Comparison> {
  const comparison = await runComparison(baseline, candidate, flags, io, o);
  io.stdout.write(`${renderComparisonText(comparison)}\n`);
  return comparison;
}

export const compareCommand: Command = {
  name: 'compare',
  summary: "gate a run against a baseline (a result, a folder of past results, or another tool's output); exit 1 on regression or no data; --record writes the verdicts into the candidate's result.json",
  usage: 'BASELINE CANDIDATE',
  args: { min: 2, max: 2, example: 'bench compare results/nightly/ results/20261122T093000Z-http-basic/' },
  options: [...COMPARE_OPTIONS, JSON_OPTION, { name: 'record', type: 'boolean', description: "write the verdicts into the candidate's result.json (a regressed run then stays out of rolling baselines until `bench accept`)" }],
  async run({ args, flags, io }) {
    const [baselinePath, candidatePath] = args.map((a) => resolve(io.cwd, a)) as [string, string];
    const candidateFile = await resolveResultFile(candidatePath);
    if (!candidateFile) throw new UsageError({ what: 'no result.json here', where: args[1], fix: 'pass the result.json (or the results folder) of the run to check' });
    const json = booleanFlag(flags, 'json');
    const comparison = await printComparison(baselinePath, await readResult(candidateFile), flags, json ? { ...io, stdout: io.stderr } : io, booleanFlag(flags, 'record') ? { recordIn: candidateFile } : {});
    const code = comparison.failed ? ExitCode.regression : ExitCode.ok;
    if (json) io.stdout.write(renderJson(compareJson(comparison, code)));
    return code;
  },
};
