/** `bench compare` and `bench run --baseline`: baseline, candidate, gates in; a Comparison out. */
import { UsageError } from '../../errors.ts';
import type { RunResult } from '../model.ts';
import { judgedCells } from '../coverage.ts';
import { loadBaseline } from './baseline.ts';
import { evaluateGates, type Comparison } from './compare.ts';
import { differences } from './environment-diff.ts';
import type { Gate } from '../../scenario/gates.ts';
import { trialSamples } from './samples.ts';
import { DEFAULT_CONFIDENCE } from './intervals.ts';

export type { Comparison, GateResult, Verdict } from './compare.ts';
export { BANDWIDTH_DEFAULT_GATES, DEFAULT_GATES, GATE_METRICS, parseGate, parseGates, type Gate } from '../../scenario/gates.ts';
export { resolveResultFile } from './baseline.ts';

export interface CompareRunOptions {
  gates: readonly Gate[];
  inconclusive: 'pass' | 'fail';
  /** Take a baseline from another machine, platform or layout (the report lists every difference). */
  allowEnvDiff: boolean;
  /** Take a baseline of another scenario (what is measured differs). */
  allowScenarioDiff: boolean;
  baselineRuns: number;
  confidence: number;
  /** For another tool's raw output given as the baseline: which mesh it measured, at which level. */
  referenceMesh: string | null;
  level: string | null;
  meshbenchVersion: string;
}

/** The one mesh the cross-mesh gates refer to, when there is exactly one: what a raw archive measured. */
function impliedReferenceMesh(gates: readonly Gate[]): string | null {
  const refs = [...new Set(gates.flatMap((g) => (g.kind === 'cross' ? [g.reference.mesh] : [])))];
  return refs.length === 1 ? refs[0]! : null;
}

/** "imported-1a2b3c (fortio: appmesh.json)", "run 20261201T...", for naming where figures came from. */
function nameOf(r: RunResult): string {
  return r.source.kind === 'imported' ? `${r.runId} (imported from ${r.source.tool}: ${r.source.files.join(', ')})` : `run ${r.runId}`;
}

export async function compareWithBaseline(baselinePath: string, candidate: RunResult, o: CompareRunOptions): Promise<Comparison> {
  const raw = { mesh: o.referenceMesh ?? impliedReferenceMesh(o.gates), level: o.level, meshbenchVersion: o.meshbenchVersion };
  const baseline = await loadBaseline(baselinePath, candidate, { runs: o.baselineRuns, allowEnvDiff: o.allowEnvDiff, allowScenarioDiff: o.allowScenarioDiff, raw });
  const newest = baseline.runs.at(-1)!;
  const imported = newest.source.kind === 'imported';
  const diffs = differences(newest, candidate).map((d) => (imported ? { ...d, blocking: false } : d));
  const refused = diffs.filter((d) => d.blocking && !(d.kind === 'scenario' ? o.allowScenarioDiff : o.allowEnvDiff));
  if (refused.length > 0) {
    const flag = refused.some((d) => d.kind === 'scenario') ? '--allow-scenario-diff' : '--allow-env-diff';
    throw new UsageError({
      what: `the baseline and the candidate differ, so their numbers do not compare:\n${refused.map((d) => `    ${d.what}: ${d.baseline} → ${d.candidate}`).join('\n')}`,
      where: baselinePath,
      fix: `compare runs of the same scenario on the same kind of machine, or pass ${refused.some((d) => d.kind === 'scenario') && refused.some((d) => d.kind === 'environment') ? '--allow-scenario-diff --allow-env-diff' : flag} (the report will list what differs)`,
    });
  }
  const cells = judgedCells(candidate);
  const unusable = (cell: { mesh: string; level: string }) => {
    const of = candidate.trials.filter((t) => t.trial.mesh === cell.mesh && t.trial.level.id === cell.level);
    return { invalid: of.filter((t) => t.status === 'invalid').length, failed: of.filter((t) => t.status === 'failed').length };
  };
  const fixedBaseline = baseline.runs.length === 1 && imported;
  const sourceNames = { baseline: baseline.runs.length === 1 ? nameOf(newest) : baseline.description, candidate: nameOf(candidate) };
  const { results, outcome, failed } = evaluateGates(baseline.samples, trialSamples(candidate), {
    gates: o.gates,
    cells,
    inconclusive: o.inconclusive,
    confidence: o.confidence,
    fixedBaseline,
    candidateUnusable: unusable,
    sourceNames,
    cross: { candidate, reference: { samples: baseline.samples, name: sourceNames.baseline, preferred: imported } },
  });
  return {
    baseline: { description: baseline.description, runs: baseline.runs.length, leftOut: baseline.leftOut },
    candidate: { runId: candidate.runId, scenarioName: candidate.scenario.name },
    differences: diffs,
    waived: diffs.some((d) => d.blocking),
    inconclusive: o.inconclusive,
    confidence: o.confidence,
    results,
    outcome,
    failed,
  };
}

/** Options with every default filled in: for callers that set only a few (benchmarks, tests). */
export function compareOptions(o: Partial<CompareRunOptions> & { gates: readonly Gate[] }): CompareRunOptions {
  return { inconclusive: 'pass', allowEnvDiff: false, allowScenarioDiff: false, baselineRuns: 5, confidence: DEFAULT_CONFIDENCE, referenceMesh: null, level: null, meshbenchVersion: '0.0.0', ...o };
}
