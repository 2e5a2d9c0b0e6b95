/**
 * The nightly line: "a step of +8 % in istio P99 added over no mesh at c4-r200 since 2026-12-03
 * (run ...)", printed by `bench run --baseline` when tonight's run falls in a segment that a change
 * point opened at most RECENT_RUNS runs ago. Older steps are the page's to show, not every night's.
 */
import { stat } from 'node:fs/promises';
import type { RunResult } from '../model.ts';
import type { ChangePoint } from './changes.ts';
import { buildHistory, type History } from './history.ts';
import { readRunFolder } from './load.ts';
import { HISTORY_METRICS } from './series.ts';

export const RECENT_RUNS = 7;

export interface StepNote {
  change: ChangePoint;
  mesh: string;
  level: string;
  metricLabel: string;
}

/** Change points whose segment holds the history's last run and began at most `recentRuns` runs ago. */
export function recentSteps(history: History, recentRuns = RECENT_RUNS): StepNote[] {
  const last = history.runs.length - 1;
  return history.series.flatMap((s) => {
    const change = history.changePoints.filter((c) => c.seriesKey === s.key).at(-1);
    // Tonight's point must be in the series, so in the segment the series' last change point opened.
    if (!change || s.points[last] === null || last - change.runIndex >= recentRuns) return [];
    return [{ change, mesh: s.mesh, level: s.level, metricLabel: HISTORY_METRICS[s.metric].label }];
  });
}

/** One line per note; the step in per cent of the level before it, or in the series' unit when that is 0. */
export function describeStep(n: StepNote): string {
  const c = n.change;
  const size = c.relativeStep
    ? `${c.relativeStep.estimate >= 0 ? '+' : '−'}${Math.abs(c.relativeStep.estimate * 100).toFixed(0)} %`
    : `${c.step.estimate >= 0 ? '+' : '−'}${Math.abs(c.step.estimate).toPrecision(3)}`;
  return `a step of ${size} in ${n.mesh} ${n.metricLabel} at ${n.level} since ${c.at.slice(0, 10)} (run ${c.runIdAfter}, ${c.pointsAfter} run(s) so far, p = ${c.pValue.toFixed(3)})`;
}

/**
 * `bench run --baseline FOLDER`: the lines for tonight's run against the history of its scenario
 * in FOLDER. Nothing when the baseline is a single result file or the history is too short.
 */
export async function stepLinesForRun(baselinePath: string, tonight: RunResult): Promise<string[]> {
  if (!(await stat(baselinePath).then((s) => s.isDirectory(), () => false))) return [];
  const past = (await readRunFolder(baselinePath)).filter((r) => r.runId !== tonight.runId && r.scenario.name === tonight.scenario.name && r.status !== 'running');
  const runs = [...past, tonight].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  if (runs.at(-1) !== tonight) return [];
  return recentSteps(buildHistory(tonight.scenario.name, runs)).map(describeStep);
}
