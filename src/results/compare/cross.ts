/**
 * Cross-mesh gates: one mesh against another of the same run, paired by repetition
 * (`istio:p99 < appmesh:p99 * 1.10`), or against a reference the user gave, whose figures are then
 * a fixed point (DESIGN.md "An imported result"). A reference the user gave is the one judged for
 * its mesh, even when the run has that mesh too (the migration case: an App Mesh archive beside the
 * run's local emulation of App Mesh); every result names where each side came from.
 */
import type { CrossMeshGate } from '../../scenario/gates.ts';
import { trialMetric } from '../metrics.ts';
import type { RunResult } from '../model.ts';
import { byRepetition, pairedEstimate } from '../paired.ts';
import { DEFAULT_CONFIDENCE, median, medianInterval, minValuesFor, type Interval } from './intervals.ts';
import type { Cell, GateResult } from './types.ts';
import { cellKey, type Samples } from './samples.ts';
import { judge, resolution } from './verdict.ts';
import { evaluateRedlineCrossGate } from './redline-cross.ts';

export interface CrossReference {
  samples: Samples;
  /** How outputs name it: "imported-1a2b3c (fortio)". */
  name: string;
  /**
   * An archive the user brought (an imported result): judged for its meshes even when the run has
   * them. A measured baseline run is used only for meshes the candidate lacks.
   */
  preferred: boolean;
}

export interface CrossSource {
  /** The run whose meshes are judged; pairs come from it when it holds the reference mesh. */
  candidate: RunResult;
  reference?: CrossReference;
  confidence?: number;
}

function values(run: RunResult, mesh: string, level: string, gate: CrossMeshGate): number[] {
  const metric = gate.metric;
  // The redline is one figure per search, not per trial: redline-cross.ts judges it.
  if (metric === 'redline') return [];
  return [...byRepetition(run, mesh, level, metric).values()].flatMap((t) => trialMetric(t, metric) ?? []);
}

export function evaluateCrossGate(gate: CrossMeshGate, cell: Cell, src: CrossSource): GateResult {
  if (gate.metric === 'redline') return evaluateRedlineCrossGate(gate, cell, src);
  const confidence = src.confidence ?? DEFAULT_CONFIDENCE;
  const ref = gate.reference.mesh;
  const own = values(src.candidate, cell.mesh, cell.level, gate);
  const external = src.reference?.samples.get(cellKey(ref, cell.level))?.get(gate.metric) ?? [];
  const inRun = src.candidate.scenario.meshes.includes(ref);
  const useExternal = src.reference !== undefined && external.length > 0 && (src.reference.preferred || !inRun);
  const refValues = useExternal ? external : inRun ? values(src.candidate, ref, cell.level, gate) : [];
  const sources = { baseline: useExternal ? `${ref} from ${src.reference!.name}` : `${ref} from this run`, candidate: `${cell.mesh} from this run` };
  const base = { gate, mesh: cell.mesh, level: cell.level, baseline: refValues.length ? median(refValues) : null, candidate: own.length ? median(own) : null, baselineSamples: refValues.length, candidateSamples: own.length, confidence, sources };
  if (own.length === 0) {
    return { ...base, interval: null, verdict: 'no-data', note: `no data: ${cell.mesh} has no valid trial with ${gate.metric} at ${cell.level}; a mesh that measured nothing usable cannot pass`, resolution: null };
  }
  if (refValues.length === 0) {
    const where = inRun ? 'in this run' : src.reference ? `in this run or ${src.reference.name}` : 'in this run (give a reference that has it with bench compare)';
    return { ...base, interval: null, verdict: 'no-data', note: `no data: no valid trial of ${ref} with ${gate.metric} at ${cell.level} ${where}`, resolution: null };
  }
  let interval: Interval;
  let n: number;
  let words: string;
  const notes: string[] = [];
  if (!useExternal) {
    const e = pairedEstimate(src.candidate, cell.mesh, ref, cell.level, gate.metric, gate.statistic, confidence);
    if (!e) return { ...base, interval: null, verdict: 'no-data', note: `no data: no repetition of ${cell.mesh} pairs with one of ${ref} at ${cell.level}`, resolution: null };
    interval = e;
    n = e.n;
    words = `${n} pair(s)`;
  } else {
    const fixed = median(refValues);
    if (gate.statistic === 'ratio' && !(fixed > 0)) return { ...base, interval: null, verdict: 'no-data', note: `no data: ${ref}'s ${gate.metric} in ${src.reference!.name} is not positive, so a ratio is undefined`, resolution: null };
    const i = medianInterval(own, confidence);
    const f = gate.statistic === 'ratio' ? (v: number) => v / fixed - 1 : (v: number) => v - fixed;
    interval = { estimate: f(i.estimate), low: f(i.low), high: f(i.high), level: i.level };
    n = own.length;
    words = `${n} repetition(s) of ${cell.mesh}`;
    notes.push(`${ref} is ${src.reference!.name}, a fixed reference: its own noise is unknown`);
  }
  const threshold = { op: gate.op, threshold: gate.threshold, isChange: true };
  const minN = minValuesFor(confidence);
  const { verdict, note } = judge(threshold, interval, confidence, n, words, minN);
  return { ...base, interval, verdict, note: [note, ...notes].filter(Boolean).join('; ') || null, resolution: resolution(threshold, interval, confidence, n, minN) };
}
