/**
 * Cross-mesh gates: one mesh against another of the same run, paired by repetition
 * (`istio:p99 < appmesh:p99 * 1.10`), or against an imported reference run that holds the other
 * mesh, which is then a fixed point (DESIGN.md "An imported result").
 */
import type { CrossMeshGate } from '../../scenario/gates.ts';
import { trialMetric } from '../metrics.ts';
import type { RunResult } from '../model.ts';
import { byRepetition, MIN_FIRM_PAIRS, pairedEstimate } from '../paired.ts';
import { bootstrapInterval, median, type Interval } from './bootstrap.ts';
import type { Cell, GateResult, Verdict } from './types.ts';
import { cellKey, type Samples } from './samples.ts';

export interface CrossSource {
  /** The run whose meshes are judged; pairs come from it when it holds the reference mesh. */
  candidate: RunResult;
  /** Samples of a baseline run (an imported reference), used when the candidate lacks the reference mesh. */
  reference?: Samples;
}

export function crossVerdict(gate: CrossMeshGate, interval: Interval): Verdict {
  const { low, high } = interval;
  if (gate.op === '<') return low >= gate.threshold ? 'regression' : high < gate.threshold ? 'pass' : 'inconclusive';
  return high <= gate.threshold ? 'regression' : low > gate.threshold ? 'pass' : 'inconclusive';
}

function validValues(run: RunResult, mesh: string, level: string, gate: CrossMeshGate): number[] {
  return [...byRepetition(run, mesh, level).values()].flatMap((t) => trialMetric(t, gate.metric) ?? []);
}

export function evaluateCrossGate(gate: CrossMeshGate, cell: Cell, src: CrossSource): GateResult {
  const ref = gate.reference.mesh;
  const own = validValues(src.candidate, cell.mesh, cell.level, gate);
  const inRun = src.candidate.scenario.meshes.includes(ref);
  const refValues = inRun ? validValues(src.candidate, ref, cell.level, gate) : (src.reference?.get(cellKey(ref, cell.level))?.get(gate.metric) ?? []);
  const base = { gate, mesh: cell.mesh, level: cell.level, baseline: refValues.length ? median(refValues) : null, candidate: own.length ? median(own) : null, baselineSamples: refValues.length, candidateSamples: own.length };
  if (own.length === 0) {
    return { ...base, interval: null, verdict: refValues.length ? 'regression' : 'inconclusive', note: `${cell.mesh} has no valid trial with ${gate.metric} at ${cell.level}${refValues.length ? ': a mesh that measured nothing usable cannot pass' : ''}` };
  }
  if (refValues.length === 0) {
    const where = inRun ? 'in this run' : src.reference ? 'in this run or the reference' : 'in this run (give a reference that has it with bench compare)';
    return { ...base, interval: null, verdict: 'inconclusive', note: `no valid trial of ${ref} with ${gate.metric} at ${cell.level} ${where}` };
  }
  let interval: Interval;
  let n: number;
  let note: string | null = null;
  if (inRun) {
    const e = pairedEstimate(src.candidate, cell.mesh, ref, cell.level, gate.metric, gate.statistic);
    if (!e) return { ...base, interval: null, verdict: 'inconclusive', note: `no repetition of ${cell.mesh} pairs with one of ${ref} at ${cell.level}` };
    interval = e;
    n = e.n;
  } else {
    const fixed = median(refValues);
    const statistic = gate.statistic === 'ratio' ? (_b: readonly number[], c: readonly number[]) => median(c) / fixed - 1 : (_b: readonly number[], c: readonly number[]) => median(c) - fixed;
    interval = bootstrapInterval([fixed], own, statistic);
    n = own.length;
    note = `${ref} is an archived reference: its own noise is unknown`;
  }
  if (n < MIN_FIRM_PAIRS) {
    return { ...base, interval, verdict: 'inconclusive', note: `inconclusive (n < ${MIN_FIRM_PAIRS}): ${n} ${inRun ? 'pair(s)' : `repetition(s) of ${cell.mesh}`}; a firm verdict needs ${MIN_FIRM_PAIRS} or more` };
  }
  const verdict = crossVerdict(gate, interval);
  return { ...base, interval, verdict, note: verdict === 'inconclusive' ? 'the interval straddles the threshold: add repetitions to decide' : note };
}
