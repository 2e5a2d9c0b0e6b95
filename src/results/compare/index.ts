/** `bench compare` and `bench run --baseline`: baseline, candidate, gates in; a Comparison out. */
import { UsageError } from '../../errors.ts';
import type { RunResult } from '../model.ts';
import { loadBaseline } from './baseline.ts';
import { evaluateGates, type Comparison } from './compare.ts';
import { differences } from './environment-diff.ts';
import type { Gate } from '../../scenario/gates.ts';
import { trialSamples } from './samples.ts';

export type { Comparison, GateResult, Verdict } from './compare.ts';
export { DEFAULT_GATES, GATE_METRICS, parseGate, parseGates, type Gate } from '../../scenario/gates.ts';
export { resolveResultFile } from './baseline.ts';

export interface CompareRunOptions {
  gates: readonly Gate[];
  inconclusive: 'pass' | 'fail';
  force: boolean;
  baselineRuns: number;
}

export async function compareWithBaseline(baselinePath: string, candidate: RunResult, o: CompareRunOptions): Promise<Comparison> {
  const baseline = await loadBaseline(baselinePath, candidate, { runs: o.baselineRuns, force: o.force });
  // An imported reference comes from another environment by nature: every difference is named
  // in the report, none refuses the comparison (DESIGN.md "An imported result").
  const imported = baseline.runs.at(-1)!.source.kind === 'imported';
  const diffs = differences(baseline.runs.at(-1)!, candidate).map((d) => (imported ? { ...d, blocking: false } : d));
  const blocking = diffs.filter((d) => d.blocking);
  if (blocking.length > 0 && !o.force) {
    throw new UsageError({
      what: `the baseline and the candidate differ, so their numbers do not compare:\n${blocking.map((d) => `    ${d.what}: ${d.baseline} → ${d.candidate}`).join('\n')}`,
      where: baselinePath,
      fix: 'compare runs of the same scenario on the same kind of machine, or pass --force (the report will list what differs)',
    });
  }
  const cells = candidate.levels.flatMap((level) => candidate.scenario.meshes.map((mesh) => ({ mesh, level: level.id })));
  const unusable = (cell: { mesh: string; level: string }) => {
    const of = candidate.trials.filter((t) => t.trial.mesh === cell.mesh && t.trial.level.id === cell.level);
    return { invalid: of.filter((t) => t.status === 'invalid').length, failed: of.filter((t) => t.status === 'failed').length };
  };
  const fixedBaseline = baseline.runs.length === 1 && baseline.runs[0]!.source.kind === 'imported';
  const { results, outcome } = evaluateGates(baseline.samples, trialSamples(candidate), { gates: o.gates, cells, inconclusive: o.inconclusive, fixedBaseline, candidateUnusable: unusable, cross: { candidate, reference: baseline.samples } });
  return {
    baseline: { description: baseline.description, runs: baseline.runs.length },
    candidate: { runId: candidate.runId, scenarioName: candidate.scenario.name },
    differences: diffs,
    forced: o.force,
    inconclusive: o.inconclusive,
    results,
    outcome,
  };
}
