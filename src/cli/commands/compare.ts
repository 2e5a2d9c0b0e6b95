/** `bench compare BASELINE CANDIDATE`: gates with noise-aware verdicts; exit 1 on regression. */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, UsageError } from '../../errors.ts';
import { renderComparisonText } from '../../report/compare-text.ts';
import { DEFAULT_GATES, parseGates, resolveResultFile, type Comparison, type CompareRunOptions } from '../../results/compare/index.ts';
import type { RunResult } from '../../results/model.ts';
import { readResult } from '../../results/store.ts';
import { compareAndWrite } from '../../run/outputs.ts';
import { booleanFlag, listFlag, stringFlag, type Command, type Flags } from '../command.ts';
import type { CliIO } from '../io.ts';
import { COMPARE_OPTIONS, JSON_OPTION } from '../options.ts';
import { compareJson, renderJson } from '../../report/json.ts';

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
export async function checkCompareFlags(baseline: string, flags: Flags): Promise<void> {
  parseGates(listFlag(flags, 'gate'), (i) => `--gate #${i + 1}`);
  inconclusivePolicy(stringFlag(flags, 'inconclusive'));
  baselineRuns(stringFlag(flags, 'baseline-runs'));
  const found = await stat(baseline).then(() => true, () => false);
  if (!found) throw new UsageError({ what: 'baseline not found', where: baseline, fix: 'pass a result.json, a results folder, or a folder of past results' });
}

function compareOptions(candidate: RunResult, flags: Flags): CompareRunOptions {
  return {
    gates: gatesFor(candidate, listFlag(flags, 'gate')),
    inconclusive: inconclusivePolicy(stringFlag(flags, 'inconclusive')),
    force: booleanFlag(flags, 'force'),
    baselineRuns: baselineRuns(stringFlag(flags, 'baseline-runs')),
  };
}

/** Compares, prints the verdict table and writes the files asked for (paths relative to cwd). */
export async function printComparison(baseline: string, candidate: RunResult, candidateFile: string, flags: Flags, io: CliIO, defaults: { markdown?: string; junit?: string } = {}): Promise<Comparison> {
  const file = (name: 'markdown' | 'junit') => {
    const path = stringFlag(flags, name) ?? defaults[name];
    return path === undefined ? undefined : resolve(io.cwd, path);
  };
  const comparison = await compareAndWrite(baseline, candidate, compareOptions(candidate, flags), { markdown: file('markdown'), junit: file('junit') }, candidateFile);
  io.stdout.write(`${renderComparisonText(comparison)}\n`);
  return comparison;
}

export const compareCommand: Command = {
  name: 'compare',
  summary: "gate a run against a baseline (a result, or a folder of past results); exit 1 on regression; records the outcome in the candidate's result.json",
  usage: 'BASELINE CANDIDATE',
  args: { min: 2, max: 2, example: 'bench compare results/nightly/ results/20261122T093000Z-http-basic/' },
  options: [...COMPARE_OPTIONS, JSON_OPTION],
  async run({ args, flags, io }) {
    const [baselinePath, candidatePath] = args.map((a) => resolve(io.cwd, a)) as [string, string];
    const candidateFile = await resolveResultFile(candidatePath);
    if (!candidateFile) throw new UsageError({ what: 'no result.json here', where: args[1], fix: 'pass the result.json (or the results folder) of the run to check' });
    const json = booleanFlag(flags, 'json');
    const comparison = await printComparison(baselinePath, await readResult(candidateFile), candidateFile, flags, json ? { ...io, stdout: io.stderr } : io);
    const code = comparison.outcome === 'pass' ? ExitCode.ok : ExitCode.regression;
    if (json) io.stdout.write(renderJson(compareJson(comparison, code)));
    return code;
  },
};
