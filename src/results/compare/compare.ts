/**
 * Gates against a baseline, with verdicts that respect noise: a regression is declared only when
 * the whole interval of the change lies beyond the threshold, a pass only when it lies entirely
 * inside, and only when that interval really has the level asked (compare/intervals.ts). Anything
 * else is inconclusive; a side with nothing to judge is no data, which fails.
 */
import { DEFAULT_CONFIDENCE, median, medianInterval, minCandidatesFor, minValuesFor, shiftInterval, type Interval } from './intervals.ts';
import { gateFitsLevel, type Gate, type ThresholdGate } from '../../scenario/gates.ts';
import { evaluateCrossGate, type CrossSource } from './cross.ts';
import { cellKey, type Samples } from './samples.ts';
import type { Cell, GateResult, Outcome } from './types.ts';
import { judge, outcomeFails, outcomeOf, resolution } from './verdict.ts';

export type { Cell, Comparison, GateResult, Verdict } from './types.ts';

/** How a side of a comparison is to be read. */
export interface GateContext {
  /**
   * The baseline is one archived reference (an imported result): a fixed point, not resampled;
   * only the candidate's repetitions make the interval (DESIGN.md "An imported result").
   */
  fixedBaseline?: boolean;
  /** Trials of the candidate's cell that measured nothing usable, to say why it has no sample. */
  candidateUnusable?: (cell: Cell) => { invalid: number; failed: number };
  /** The level a firm verdict needs; 0.95 unless told. */
  confidence?: number;
  /** Names of the two sides, for "where each figure came from". */
  sourceNames?: { baseline: string; candidate: string };
}

/** The interval of the gated statistic; null when a relative change has a non-positive side. */
function intervalOf(gate: ThresholdGate, b: readonly number[], c: readonly number[], fixed: boolean, confidence: number): Interval | null {
  if (gate.kind === 'absolute') return medianInterval(c, confidence);
  if (fixed) {
    const reference = median(b);
    if (gate.kind === 'change') return shift(medianInterval(c, confidence), (v) => v - reference);
    return reference > 0 ? shift(medianInterval(c, confidence), (v) => v / reference - 1) : null;
  }
  if (gate.kind === 'change') return shiftInterval(b, c, confidence);
  // A relative change is a shift of the logarithms: exact under a change by a factor.
  if ([...b, ...c].some((v) => v <= 0)) return null;
  const log = shiftInterval(b.map(Math.log), c.map(Math.log), confidence);
  return shift(log, (v) => Math.exp(v) - 1);
}

const shift = (i: Interval, f: (v: number) => number): Interval => ({ estimate: f(i.estimate), low: f(i.low), high: f(i.high), level: i.level });

function noCandidate(gate: ThresholdGate, cell: Cell, ctx: GateContext): string {
  const u = ctx.candidateUnusable?.(cell);
  const why = u && u.invalid + u.failed > 0 ? ` (${u.invalid} invalid, ${u.failed} failed)` : '';
  return `no data: the candidate has no valid trial with ${gate.metric} at ${cell.mesh}/${cell.level}${why}; a run that measured nothing usable cannot pass`;
}

export function evaluateGate(gate: ThresholdGate, cell: Cell, baseline: Samples, candidate: Samples, ctx: GateContext = {}): GateResult {
  const confidence = ctx.confidence ?? DEFAULT_CONFIDENCE;
  const b = baseline.get(cellKey(cell.mesh, cell.level))?.get(gate.metric) ?? [];
  const c = candidate.get(cellKey(cell.mesh, cell.level))?.get(gate.metric) ?? [];
  const sources = ctx.sourceNames ?? { baseline: 'the baseline', candidate: 'the candidate' };
  const base = { gate, mesh: cell.mesh, level: cell.level, baselineSamples: b.length, candidateSamples: c.length, baseline: b.length ? median(b) : null, confidence, sources };
  const needsBaseline = gate.kind !== 'absolute';
  if (c.length === 0) return { ...base, candidate: null, interval: null, verdict: 'no-data', note: noCandidate(gate, cell, ctx), resolution: null };
  if (needsBaseline && b.length === 0) {
    return { ...base, candidate: median(c), interval: null, verdict: 'no-data', note: `no data: the baseline has no valid trial with ${gate.metric} at ${cell.mesh}/${cell.level}; a gate against nothing cannot pass`, resolution: null };
  }
  const fixed = ctx.fixedBaseline === true || !needsBaseline;
  const interval = intervalOf(gate, b, c, fixed, confidence);
  if (!interval) return { ...base, candidate: median(c), interval: null, verdict: 'no-data', note: `no data: a relative change of ${gate.metric} needs positive values on both sides`, resolution: null };
  const minN = fixed ? minValuesFor(confidence) : minCandidatesFor(b.length, confidence);
  const n = fixed ? c.length : Math.min(b.length, c.length);
  const words = fixed ? `${c.length} candidate repetition(s)` : `${b.length} baseline and ${c.length} candidate sample(s)`;
  const threshold = { op: gate.op, threshold: gate.threshold, isChange: gate.kind !== 'absolute' };
  const { verdict, note } = judge(threshold, interval, confidence, n, words, minN);
  const archived = fixed && needsBaseline ? 'the baseline is one archived reference: its own noise is unknown' : null;
  return { ...base, candidate: median(c), interval, verdict, note: [note, archived].filter(Boolean).join('; ') || null, resolution: resolution(threshold, interval, confidence, n, minN) };
}

export interface CompareOptions extends GateContext {
  gates: readonly Gate[];
  /** Mesh and level cells of the candidate, in report order. */
  cells: readonly Cell[];
  inconclusive: 'pass' | 'fail';
  /** Where cross-mesh gates find their meshes; without it they are not evaluated. */
  cross?: CrossSource;
}

/**
 * A gate on a figure that neither side has while the candidate measured the cell (sidecar CPU of
 * `none`: no sidecar on either side) does not apply there. A cell the candidate measured nothing
 * of, or a figure one side has and the other lacks, is judged: as no data.
 */
function applies(gate: ThresholdGate, cell: Cell, baseline: Samples, candidate: Samples): boolean {
  const key = cellKey(cell.mesh, cell.level);
  const measured = [...(candidate.get(key)?.values() ?? [])].some((values) => values.length > 0);
  const has = (s: Samples) => (s.get(key)?.get(gate.metric)?.length ?? 0) > 0;
  return !measured || has(candidate) || has(baseline);
}

/** Every verdict, their worst, and whether that fails the gate under the inconclusive policy. */
export function gateOutcome(results: readonly GateResult[], inconclusive: 'pass' | 'fail'): { outcome: Outcome; failed: boolean } {
  const outcome = outcomeOf(results.map((r) => r.verdict));
  return { outcome, failed: outcomeFails(outcome, inconclusive) };
}

export function evaluateGates(baseline: Samples, candidate: Samples, o: CompareOptions): { results: GateResult[]; outcome: Outcome; failed: boolean } {
  const results: GateResult[] = [];
  for (const cell of o.cells) {
    for (const gate of o.gates) {
      if ((gate.mesh && gate.mesh !== cell.mesh) || (gate.level && gate.level !== cell.level) || !gateFitsLevel(gate.metric, cell.level)) continue;
      if (gate.kind === 'cross') {
        if (o.cross && cell.mesh !== gate.reference.mesh) results.push(evaluateCrossGate(gate, cell, { ...o.cross, confidence: o.confidence ?? DEFAULT_CONFIDENCE }));
      } else if (applies(gate, cell, baseline, candidate)) results.push(evaluateGate(gate, cell, baseline, candidate, o));
    }
  }
  return { results, ...gateOutcome(results, o.inconclusive) };
}
