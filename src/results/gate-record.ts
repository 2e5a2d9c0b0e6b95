/**
 * What the gates said of a run, kept in its result.json: a rolling baseline leaves regressed runs
 * out (see compare/baseline.ts) unless a person accepted the change with `bench accept`. Recording
 * is an explicit act (`bench run` with gates, `bench compare --record`); an ad-hoc compare writes nothing.
 */
import type { GateResult } from './compare/types.ts';
import { outcomeOf } from './compare/verdict.ts';
import type { GateRecord, RecordedVerdict, RunResult } from './model.ts';

const recorded = (source: RecordedVerdict['source']) => (r: GateResult): RecordedVerdict => ({
  source,
  gate: r.gate.text,
  mesh: r.mesh,
  level: r.level,
  verdict: r.verdict,
  interval: r.interval,
  note: r.note,
});

/** The record of both kinds of gates; null when neither judged anything. */
export function gateRecord(o: { baseline: { description: string; results: readonly GateResult[] } | null; crossMesh: readonly GateResult[]; at: Date }): GateRecord | null {
  const verdicts = [...o.crossMesh.map(recorded('cross-mesh')), ...(o.baseline?.results.map(recorded('baseline')) ?? [])];
  if (verdicts.length === 0 && !o.baseline) return null;
  return { outcome: outcomeOf(verdicts.map((v) => v.verdict)), baseline: o.baseline?.description ?? null, at: o.at.toISOString(), verdicts };
}

/** A deliberate change: the run may now serve as a baseline even though its gate regressed. */
export function acceptedRun(result: RunResult, reason: string, at: Date): RunResult {
  const gate: GateRecord = result.gate ?? { outcome: 'pass', baseline: '(never gated)', at: at.toISOString(), verdicts: [] };
  return { ...result, gate: { ...gate, acceptedAt: at.toISOString(), acceptedReason: reason } };
}
