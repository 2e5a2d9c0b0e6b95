/**
 * What a gate said of a run, kept in its result.json: a rolling baseline leaves regressed runs out
 * (see compare/baseline.ts) unless a person accepted the change with `bench accept`.
 */
import type { Comparison } from './compare/compare.ts';
import type { GateRecord, RunResult } from './model.ts';

export function withGateRecord(result: RunResult, comparison: Comparison, at: Date): RunResult {
  const gate: GateRecord = { outcome: comparison.outcome, baseline: comparison.baseline.description, at: at.toISOString() };
  return { ...result, gate };
}

/** A deliberate change: the run may now serve as a baseline even though its gate regressed. */
export function acceptedRun(result: RunResult, reason: string, at: Date): RunResult {
  const gate: GateRecord = result.gate ?? { outcome: 'pass', baseline: '(never gated)', at: at.toISOString() };
  return { ...result, gate: { ...gate, acceptedAt: at.toISOString(), acceptedReason: reason } };
}
