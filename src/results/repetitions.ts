/**
 * Each repetition's P50 and P99 per mesh at a level, in the order run: what the report's
 * by-repetition chart draws, so drift across the run and a lone outlier show without reading the
 * trial table. Invalid and failed repetitions are gaps (null), as they feed no estimate.
 */
import type { RunResult } from './model.ts';
import { byRepetition } from './paired.ts';

export interface RepetitionFigures {
  mesh: string;
  /** Index 0 is repetition 1. */
  p50Us: (number | null)[];
  p99Us: (number | null)[];
}

export function repetitionFigures(result: RunResult, levelId: string): RepetitionFigures[] {
  const repetitions = result.scenario.repetitions;
  return result.scenario.meshes.map((mesh) => {
    const trials = byRepetition(result, mesh, levelId);
    const at = (f: (t: NonNullable<ReturnType<typeof trials.get>>) => number | null) => Array.from({ length: repetitions }, (_, i) => {
      const t = trials.get(i + 1);
      return t ? f(t) : null;
    });
    return { mesh, p50Us: at((t) => t.latency.p50Us), p99Us: at((t) => (t.latency.count > 0 ? t.latency.p99Us : null)) };
  });
}
