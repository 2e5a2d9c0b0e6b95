/**
 * Gates against a baseline, with verdicts that respect noise: a regression is declared only when
 * the whole confidence interval of the change lies beyond the threshold, a pass only when it lies
 * entirely inside; anything else is inconclusive (more repetitions narrow the interval).
 */
import { bootstrapInterval, median, type Interval } from './bootstrap.ts';
import type { Difference } from './environment-diff.ts';
import type { Gate } from '../../scenario/gates.ts';
import { cellKey, type Samples } from './samples.ts';

export type Verdict = 'pass' | 'regression' | 'inconclusive';

export interface GateResult {
  gate: Gate;
  mesh: string;
  level: string;
  baseline: number | null;
  candidate: number | null;
  /** Of the gated statistic: change, relative change, or the candidate's value. */
  interval: Interval | null;
  verdict: Verdict;
  note: string | null;
  baselineSamples: number;
  candidateSamples: number;
}

export interface Comparison {
  baseline: { description: string; runs: number };
  candidate: { runId: string; scenarioName: string };
  differences: Difference[];
  forced: boolean;
  inconclusive: 'pass' | 'fail';
  results: GateResult[];
  /** The gate's answer: regression when any gate regressed (or was inconclusive under `fail`). */
  outcome: 'pass' | 'regression';
}

export interface Cell {
  mesh: string;
  level: string;
}

function statisticOf(gate: Gate): (b: readonly number[], c: readonly number[]) => number {
  if (gate.kind === 'absolute') return (_b, c) => median(c);
  if (gate.kind === 'change') return (b, c) => median(c) - median(b);
  return (b, c) => median(c) / median(b) - 1;
}

function verdictOf(gate: Gate, interval: Interval): Verdict {
  const { low, high } = interval;
  if (gate.op === '<') return low >= gate.threshold ? 'regression' : high < gate.threshold ? 'pass' : 'inconclusive';
  return high <= gate.threshold ? 'regression' : low > gate.threshold ? 'pass' : 'inconclusive';
}

export function evaluateGate(gate: Gate, cell: Cell, baseline: Samples, candidate: Samples): GateResult {
  const b = baseline.get(cellKey(cell.mesh, cell.level))?.get(gate.metric) ?? [];
  const c = candidate.get(cellKey(cell.mesh, cell.level))?.get(gate.metric) ?? [];
  const base = { gate, mesh: cell.mesh, level: cell.level, baselineSamples: b.length, candidateSamples: c.length };
  const needsBaseline = gate.kind !== 'absolute';
  if (c.length === 0 || (needsBaseline && b.length === 0)) {
    const missing = c.length === 0 ? 'candidate' : 'baseline';
    return { ...base, baseline: b.length ? median(b) : null, candidate: c.length ? median(c) : null, interval: null, verdict: 'inconclusive', note: `no valid ${missing} trial with ${gate.metric}` };
  }
  const interval = bootstrapInterval(needsBaseline ? b : c, c, statisticOf(gate));
  const verdict = verdictOf(gate, interval);
  const few = Math.min(needsBaseline ? b.length : c.length, c.length) < 3;
  return {
    ...base,
    baseline: b.length ? median(b) : null,
    candidate: median(c),
    interval,
    verdict,
    note: verdict === 'inconclusive' ? `the interval straddles the threshold${few ? '; fewer than 3 samples' : ''}: add repetitions to decide` : null,
  };
}

export interface CompareOptions {
  gates: readonly Gate[];
  /** Mesh and level cells of the candidate, in report order. */
  cells: readonly Cell[];
  inconclusive: 'pass' | 'fail';
}

export function evaluateGates(baseline: Samples, candidate: Samples, o: CompareOptions): { results: GateResult[]; outcome: 'pass' | 'regression' } {
  const results: GateResult[] = [];
  for (const cell of o.cells) {
    for (const gate of o.gates) {
      if ((gate.mesh && gate.mesh !== cell.mesh) || (gate.level && gate.level !== cell.level)) continue;
      results.push(evaluateGate(gate, cell, baseline, candidate));
    }
  }
  const failed = results.some((r) => r.verdict === 'regression' || (r.verdict === 'inconclusive' && o.inconclusive === 'fail'));
  return { results, outcome: failed ? 'regression' : 'pass' };
}
