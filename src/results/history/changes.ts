/**
 * Change points of each series (E-Divisive means, edivisive.ts) with what a reader needs to act on
 * one: when, the runs either side, how big the step is with its interval, and what changed in the
 * environment between those two runs.
 */
import { median, shiftInterval, type Interval } from '../compare/intervals.ts';
import { differences, type Difference } from '../compare/environment-diff.ts';
import { meshLabel, type RunResult } from '../model.ts';
import { eDivisive, type EDivisiveOptions } from './edivisive.ts';
import type { HistorySeries } from './series.ts';

export interface ChangePoint {
  seriesKey: string;
  /** Index in the history's runs of the first run after the change. */
  runIndex: number;
  runIdBefore: string;
  runIdAfter: string;
  /** startedAt of the first run after the change. */
  at: string;
  /** Points in the segments either side (from the previous change point, to the next one). */
  pointsBefore: number;
  pointsAfter: number;
  /** The shift from before to after (Hodges-Lehmann), in the series' unit, with its Mann-Whitney interval and the level it really has. */
  step: Interval;
  /** The same as a factor − 1 (a shift of the logarithms); null unless every value is positive. */
  relativeStep: Interval | null;
  pValue: number;
  /** Environment and scenario differences between the run before and the run after. */
  environment: Difference[];
}

/** The two runs' differences, plus how each mesh was realised (the emulation's label) where it differs. */
export function runDifferences(before: RunResult, after: RunResult): Difference[] {
  const out = differences(before, after);
  for (const mesh of after.scenario.meshes.filter((m) => before.scenario.meshes.includes(m))) {
    const b = meshLabel(before, mesh);
    const a = meshLabel(after, mesh);
    if (b !== a) out.push({ what: `${mesh} realised as`, baseline: b, candidate: a, blocking: false, kind: 'environment' });
  }
  return out;
}

export function detectChanges(series: HistorySeries, runs: readonly RunResult[], options: EDivisiveOptions = {}): ChangePoint[] {
  const at = series.points.flatMap((p, i) => (p ? [i] : []));
  const values = at.map((i) => series.points[i]!.value);
  const found = eDivisive(values, options);
  const edges = [0, ...found.map((c) => c.index), values.length];
  return found.map((c, k) => {
    const before = values.slice(edges[k]!, c.index);
    const after = values.slice(c.index, edges[k + 2]!);
    const runBefore = runs[at[c.index - 1]!]!;
    const runAfter = runs[at[c.index]!]!;
    const relative = median(before) > 0 && [...before, ...after].every((v) => v > 0) ? relativeShift(before, after) : null;
    return {
      seriesKey: series.key,
      runIndex: at[c.index]!,
      runIdBefore: runBefore.runId,
      runIdAfter: runAfter.runId,
      at: runAfter.startedAt,
      pointsBefore: before.length,
      pointsAfter: after.length,
      step: shiftInterval(before, after),
      relativeStep: relative && Number.isFinite(relative.low) && Number.isFinite(relative.high) ? relative : null,
      pValue: c.pValue,
      environment: runDifferences(runBefore, runAfter),
    };
  });
}

function relativeShift(before: readonly number[], after: readonly number[]): Interval {
  const log = shiftInterval(before.map(Math.log), after.map(Math.log));
  const f = (v: number) => Math.exp(v) - 1;
  return { estimate: f(log.estimate), low: f(log.low), high: f(log.high), level: log.level };
}
