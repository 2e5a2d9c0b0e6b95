/** Whether a run measured what it was asked to: "a check that covers nothing fails" (DESIGN.md). */
import { REDLINE_LEVEL } from '../scenario/gates.ts';
import type { RunResult } from './model.ts';

/** Meshes of the scenario with no valid trial at any level. */
export function meshesWithoutValidTrial(result: RunResult): string[] {
  return result.scenario.meshes.filter((mesh) => !result.trials.some((t) => t.trial.mesh === mesh && t.status === 'valid'));
}

/**
 * The mesh × level cells a gate judges. An interrupted run is judged on the cells it reached (a
 * trial that started), so Ctrl-C leaves the cells it never reached unjudged rather than no data.
 */
export function judgedCells(result: RunResult): { mesh: string; level: string }[] {
  // A redline run's steps sit at rates each search chose, which another mesh or run need not share:
  // only its redline is judged.
  const levels = result.scenario.load.redline ? [REDLINE_LEVEL] : result.levels.map((l) => l.id);
  const all = levels.flatMap((level) => result.scenario.meshes.map((mesh) => ({ mesh, level })));
  if (result.status !== 'interrupted') return all;
  return all.filter((c) => result.trials.some((t) => t.trial.mesh === c.mesh && (c.level === REDLINE_LEVEL || t.trial.level.id === c.level) && t.status !== 'aborted'));
}
