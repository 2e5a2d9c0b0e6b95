/** What a comparison returns: a verdict per gate and cell, and the gate's answer. */
import type { Gate } from '../../scenario/gates.ts';
import type { Interval } from './bootstrap.ts';
import type { Difference } from './environment-diff.ts';

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
