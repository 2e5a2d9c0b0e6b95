/**
 * What the gates recorded in each run's result.json (schema v3: the worst of every verdict), as a
 * mark on the trend page. Read loosely on purpose: an outcome this table does not know is shown as
 * it is written, never dropped or taken for a pass.
 */
import type { RunResult } from '../model.ts';

export const GATE_MARKS = {
  pass: 'the gate passed',
  regression: 'the gate found a regression',
  inconclusive: 'the gate could not decide',
  'no-data': 'a gate had no valid sample on one side (fails)',
  accepted: 'a person accepted this run as the new normal (bench accept)',
} as const;

export type KnownGateMark = keyof typeof GATE_MARKS;

export interface GateMark {
  /** A known mark, or the outcome as recorded when this meshbench does not know it. */
  mark: KnownGateMark | string;
  /** Says what the mark means, with the baseline and reason as recorded. */
  detail: string;
}

const isKnown = (s: string): s is KnownGateMark => Object.hasOwn(GATE_MARKS, s);

/** Null when the run was never gated. */
export function gateMark(result: RunResult): GateMark | null {
  const gate = result.gate as Partial<Record<string, unknown>> | null | undefined;
  if (!gate) return null;
  const baseline = typeof gate['baseline'] === 'string' ? ` against ${gate['baseline']}` : '';
  if (typeof gate['acceptedAt'] === 'string') {
    const reason = typeof gate['acceptedReason'] === 'string' ? `: ${gate['acceptedReason']}` : '';
    return { mark: 'accepted', detail: `${GATE_MARKS.accepted}${reason}` };
  }
  const outcome = typeof gate['outcome'] === 'string' ? gate['outcome'] : 'unknown';
  return { mark: outcome, detail: `${isKnown(outcome) ? GATE_MARKS[outcome] : `gate outcome "${outcome}"`}${baseline}` };
}
