/**
 * A scenario's history: its runs in time order with their gate marks and environment changes, the
 * series of figures drawn from them, and the change points found in each series.
 */
import type { Difference } from '../compare/environment-diff.ts';
import type { RunResult } from '../model.ts';
import { detectChanges, runDifferences, type ChangePoint } from './changes.ts';
import { EDIVISIVE_DEFAULTS, type EDivisiveOptions } from './edivisive.ts';
import { gateMark, type GateMark } from './gate.ts';
import { buildSeries, type HistorySeries } from './series.ts';

export interface HistoryRun {
  runId: string;
  startedAt: string;
  /** `measured`, or the tool an imported run came from. */
  source: string;
  status: RunResult['status'];
  gate: GateMark | null;
  /** What differs from the run before (none for the first run). */
  changes: Difference[];
}

export interface History {
  scenario: string;
  runs: HistoryRun[];
  series: HistorySeries[];
  changePoints: ChangePoint[];
  method: { name: string; significance: number; permutations: number; minSegment: number; falseAlarmRate: string };
}

/** `runs` of one scenario, oldest first. */
export function buildHistory(scenario: string, runs: readonly RunResult[], options: EDivisiveOptions = {}): History {
  const o = { ...EDIVISIVE_DEFAULTS, ...options };
  const series = buildSeries(runs);
  return {
    scenario,
    runs: runs.map((r, i) => ({
      runId: r.runId,
      startedAt: r.startedAt,
      source: r.source.kind === 'imported' ? `imported from ${r.source.tool}` : 'measured',
      status: r.status,
      gate: gateMark(r),
      changes: i === 0 ? [] : runDifferences(runs[i - 1]!, r),
    })),
    series,
    changePoints: series.flatMap((s) => detectChanges(s, runs, o)),
    method: {
      name: 'E-Divisive means with a permutation test (Matteson & James 2014; as in Daly et al., ICPE 2020)',
      significance: o.significance,
      permutations: o.permutations,
      minSegment: o.minSegment,
      falseAlarmRate: `at most ${o.significance * 100} % of series without a change show a change point`,
    },
  };
}
