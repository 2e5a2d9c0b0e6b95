/**
 * Cross-mesh gates on the redline (`istio:redline > none:redline * 0.7`): the two meshes' searches
 * paired by repetition (their steps took turns, so drift hit both alike), the ratio or difference
 * per pair, and the sign-test interval of its median, judged as every other cross-mesh gate is.
 */
import type { CrossMeshGate } from '../../scenario/gates.ts';
import { searchRedlines } from '../redline.ts';
import { DEFAULT_CONFIDENCE, median, medianInterval, minValuesFor } from './intervals.ts';
import type { RunResult } from '../model.ts';
import type { Cell, GateResult } from './types.ts';
import { judge, resolution } from './verdict.ts';

export function evaluateRedlineCrossGate(gate: CrossMeshGate, cell: Cell, src: { candidate: RunResult; confidence?: number }): GateResult {
  const confidence = src.confidence ?? DEFAULT_CONFIDENCE;
  const ref = gate.reference.mesh;
  const own = searchRedlines(src.candidate, cell.mesh);
  const other = searchRedlines(src.candidate, ref);
  const sources = { baseline: `${ref} from this run`, candidate: `${cell.mesh} from this run` };
  const base = { gate, mesh: cell.mesh, level: cell.level, baseline: other.size ? median([...other.values()]) : null, candidate: own.size ? median([...own.values()]) : null, baselineSamples: other.size, candidateSamples: own.size, confidence, sources };
  const noData = (why: string): GateResult => ({ ...base, interval: null, verdict: 'no-data', note: `no data: ${why}`, resolution: null });
  if (own.size === 0) return noData(`${cell.mesh} has no redline (no search found one, or the load generator was the limit)`);
  if (other.size === 0) return noData(`${ref} has no redline in this run`);
  const f = gate.statistic === 'ratio' ? (c: number, r: number) => c / r - 1 : (c: number, r: number) => c - r;
  const pairs = [...own].flatMap(([rep, c]) => (other.has(rep) ? [f(c, other.get(rep)!)] : []));
  if (pairs.length === 0) return noData(`no search of ${cell.mesh} pairs with one of ${ref}`);
  const interval = medianInterval(pairs, confidence);
  const threshold = { op: gate.op, threshold: gate.threshold, isChange: true };
  const minN = minValuesFor(confidence);
  const { verdict, note } = judge(threshold, interval, confidence, pairs.length, `${pairs.length} paired search(es)`, minN);
  return { ...base, interval, verdict, note, resolution: resolution(threshold, interval, confidence, pairs.length, minN) };
}
