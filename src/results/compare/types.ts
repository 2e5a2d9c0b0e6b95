/** What a comparison returns: a verdict per gate and cell, and the gate's answer. */
import type { Gate } from '../../scenario/gates.ts';
import type { Interval } from './intervals.ts';
import type { Difference } from './environment-diff.ts';

import type { Outcome, Verdict } from '../model.ts';

export { VERDICTS, type Outcome, type Verdict } from '../model.ts';

/** What this run could have told apart, from its spread and n. */
export interface Resolution {
  /**
   * The smallest change this run could have called firm, in the gated statistic's unit (a fraction
   * for relative gates): the interval's half-width on the side that decides. Null when no change
   * could be firm at this n, however large (the interval cannot reach the level asked).
   */
  smallestFirmChange: number | null;
  /** The gate's threshold is finer than this run can resolve. */
  coarserThanThreshold: boolean;
  /** Repetitions per side that would likely resolve the threshold (scaled by 1/√n), when it cannot. */
  suggestedRepetitions: number | null;
}

export interface GateResult {
  gate: Gate;
  mesh: string;
  level: string;
  baseline: number | null;
  candidate: number | null;
  /** Of the gated statistic: change, relative change, or the candidate's value; with its true level. */
  interval: Interval | null;
  /** The level the verdict asked for; a verdict is firm only when the interval reaches it. */
  confidence: number;
  verdict: Verdict;
  note: string | null;
  baselineSamples: number;
  candidateSamples: number;
  resolution: Resolution | null;
  /** Where each side's figures came from: "appmesh from imported-1a2b (fortio)", "istio from this run". */
  sources: { baseline: string; candidate: string };
}

export interface Comparison {
  baseline: { description: string; runs: number; leftOut: string[] };
  candidate: { runId: string; scenarioName: string };
  differences: Difference[];
  /** Blocking differences waived with --allow-env-diff / --allow-scenario-diff. */
  waived: boolean;
  inconclusive: 'pass' | 'fail';
  confidence: number;
  results: GateResult[];
  /** The worst verdict: regression, then no data, then inconclusive, then pass. */
  outcome: Outcome;
  /** What the exit code says: regression and no data fail; inconclusive as --inconclusive says. */
  failed: boolean;
}

export interface Cell {
  mesh: string;
  level: string;
}
