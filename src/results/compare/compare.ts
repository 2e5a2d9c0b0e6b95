/**
 * Gates against a baseline, with verdicts that respect noise: a regression is declared only when
 * the whole confidence interval of the change lies beyond the threshold, a pass only when it lies
 * entirely inside; anything else is inconclusive (more repetitions narrow the interval).
 */
import { bootstrapInterval, median, type Interval } from './bootstrap.ts';
import type { Gate, ThresholdGate } from '../../scenario/gates.ts';
import { evaluateCrossGate, type CrossSource } from './cross.ts';
import { MIN_FIRM_PAIRS } from '../paired.ts';
import { cellKey, type Samples } from './samples.ts';
import type { Cell, GateResult, Verdict } from './types.ts';

export type { Cell, Comparison, GateResult, Verdict } from './types.ts';

function statisticOf(gate: ThresholdGate): (b: readonly number[], c: readonly number[]) => number {
  if (gate.kind === 'absolute') return (_b, c) => median(c);
  if (gate.kind === 'change') return (b, c) => median(c) - median(b);
  return (b, c) => median(c) / median(b) - 1;
}

function verdictOf(gate: ThresholdGate, interval: Interval): Verdict {
  const { low, high } = interval;
  if (gate.op === '<') return low >= gate.threshold ? 'regression' : high < gate.threshold ? 'pass' : 'inconclusive';
  return high <= gate.threshold ? 'regression' : low > gate.threshold ? 'pass' : 'inconclusive';
}

/** How a side of a comparison is to be read. */
export interface GateContext {
  /**
   * The baseline is one archived reference (an imported result): a fixed point, not resampled;
   * only the candidate's repetitions make the interval (DESIGN.md "An imported result").
   */
  fixedBaseline?: boolean;
  /** Trials of the candidate's cell that measured nothing usable, to say why it has no sample. */
  candidateUnusable?: (cell: Cell) => { invalid: number; failed: number };
}

function noCandidate(gate: ThresholdGate, cell: Cell, b: readonly number[], ctx: GateContext): string {
  const u = ctx.candidateUnusable?.(cell);
  const why = u && u.invalid + u.failed > 0 ? ` (${u.invalid} invalid, ${u.failed} failed)` : '';
  return b.length > 0 || gate.kind === 'absolute'
    ? `the candidate has no valid trial with ${gate.metric} at ${cell.mesh}/${cell.level}${why}: a run that measured nothing usable cannot pass`
    : `no valid trial with ${gate.metric} on either side`;
}

export function evaluateGate(gate: ThresholdGate, cell: Cell, baseline: Samples, candidate: Samples, ctx: GateContext = {}): GateResult {
  const b = baseline.get(cellKey(cell.mesh, cell.level))?.get(gate.metric) ?? [];
  const c = candidate.get(cellKey(cell.mesh, cell.level))?.get(gate.metric) ?? [];
  const base = { gate, mesh: cell.mesh, level: cell.level, baselineSamples: b.length, candidateSamples: c.length, baseline: b.length ? median(b) : null };
  const needsBaseline = gate.kind !== 'absolute';
  if (c.length === 0) {
    // The baseline measured this cell and the candidate did not: everything it tried was invalid or failed.
    const regressed = b.length > 0 || !needsBaseline;
    return { ...base, candidate: null, interval: null, verdict: regressed ? 'regression' : 'inconclusive', note: noCandidate(gate, cell, b, ctx) };
  }
  if (needsBaseline && b.length === 0) {
    return { ...base, candidate: median(c), interval: null, verdict: 'inconclusive', note: `no valid baseline trial with ${gate.metric}` };
  }
  const fixed = ctx.fixedBaseline === true || !needsBaseline;
  const interval = bootstrapInterval(fixed ? [median(b.length ? b : c)] : b, c, fixed && needsBaseline ? fixedStatisticOf(gate, median(b)) : statisticOf(gate));
  const fewest = Math.min(c.length, fixed ? c.length : b.length);
  if (fewest < MIN_FIRM_PAIRS) {
    const sides = fixed ? `${c.length} candidate repetition(s)` : `${b.length} baseline and ${c.length} candidate sample(s)`;
    return { ...base, candidate: median(c), interval, verdict: 'inconclusive', note: `inconclusive (n < ${MIN_FIRM_PAIRS}): ${sides}; a firm verdict needs ${MIN_FIRM_PAIRS} or more valid repetitions on each side` };
  }
  const verdict = verdictOf(gate, interval);
  return {
    ...base,
    candidate: median(c),
    interval,
    verdict,
    note: verdict === 'inconclusive' ? 'the interval straddles the threshold: add repetitions to decide' : fixed && needsBaseline ? 'the baseline is one archived reference: its own noise is unknown' : null,
  };
}

/** Against a fixed reference value: the candidate's resamples alone move the statistic. */
function fixedStatisticOf(gate: ThresholdGate, reference: number): (b: readonly number[], c: readonly number[]) => number {
  if (gate.kind === 'change') return (_b, c) => median(c) - reference;
  return (_b, c) => median(c) / reference - 1;
}

export interface CompareOptions extends GateContext {
  gates: readonly Gate[];
  /** Mesh and level cells of the candidate, in report order. */
  cells: readonly Cell[];
  inconclusive: 'pass' | 'fail';
  /** Where cross-mesh gates find their meshes; without it they are not evaluated. */
  cross?: CrossSource;
}

/** The gate's answer: regression when any gate regressed (or was inconclusive under `fail`). */
export function gateOutcome(results: readonly GateResult[], inconclusive: 'pass' | 'fail'): 'pass' | 'regression' {
  return results.some((r) => r.verdict === 'regression' || (r.verdict === 'inconclusive' && inconclusive === 'fail')) ? 'regression' : 'pass';
}

export function evaluateGates(baseline: Samples, candidate: Samples, o: CompareOptions): { results: GateResult[]; outcome: 'pass' | 'regression' } {
  const results: GateResult[] = [];
  for (const cell of o.cells) {
    for (const gate of o.gates) {
      if ((gate.mesh && gate.mesh !== cell.mesh) || (gate.level && gate.level !== cell.level)) continue;
      if (gate.kind === 'cross') {
        if (o.cross && cell.mesh !== gate.reference.mesh) results.push(evaluateCrossGate(gate, cell, o.cross));
      } else results.push(evaluateGate(gate, cell, baseline, candidate, o));
    }
  }
  return { results, outcome: gateOutcome(results, o.inconclusive) };
}
