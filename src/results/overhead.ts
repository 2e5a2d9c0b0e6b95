/**
 * What each mesh adds over `none`, per load level. Repetitions are summarised by their median (a
 * single slow repetition must not move the figure); the spread (min..max) is kept beside it.
 * Confidence intervals come with the comparison gate.
 */
import type { LoadLevel } from '../scenario/plan.ts';
import { isMeasured, type MeasuredTrial, type RunResult } from './model.ts';

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export interface MeshLevelSummary {
  mesh: string;
  meshLabel: string;
  level: LoadLevel;
  /** Valid repetitions summarised; invalid and failed trials are left out. */
  validTrials: number;
  invalidTrials: number;
  p50Us: Spread | null;
  p99Us: Spread | null;
  achievedRps: Spread | null;
  /** Failed requests (non-2xx and errors) over all valid repetitions. */
  failedRequests: number;
  /** Median minus the `none` median at the same level; null without a baseline. */
  p50OverheadUs: number | null;
  p99OverheadUs: number | null;
  /** Relative change of throughput against `none`, e.g. -0.42 for 42 % fewer rps. */
  rpsChange: number | null;
}

export function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, n: sorted.length };
}

export function summarizeByMeshAndLevel(result: RunResult): MeshLevelSummary[] {
  const rows: MeshLevelSummary[] = [];
  for (const level of result.levels) {
    const baseline = summarizeCell(result, 'none', level);
    for (const mesh of result.scenario.meshes) {
      const cell = mesh === 'none' ? baseline : summarizeCell(result, mesh, level);
      const delta = (a: Spread | null, b: Spread | null) => (a && b && mesh !== 'none' ? a.median - b.median : mesh === 'none' && a ? 0 : null);
      rows.push({
        ...cell,
        p50OverheadUs: delta(cell.p50Us, baseline.p50Us),
        p99OverheadUs: delta(cell.p99Us, baseline.p99Us),
        rpsChange:
          cell.achievedRps && baseline.achievedRps && baseline.achievedRps.median > 0
            ? cell.achievedRps.median / baseline.achievedRps.median - 1
            : null,
      });
    }
  }
  return rows;
}

type Cell = Omit<MeshLevelSummary, 'p50OverheadUs' | 'p99OverheadUs' | 'rpsChange'>;

function summarizeCell(result: RunResult, mesh: string, level: LoadLevel): Cell {
  const trials = result.trials.filter((t) => t.trial.mesh === mesh && t.trial.level.id === level.id);
  const measured = trials.filter(isMeasured);
  const valid = measured.filter((t): t is MeasuredTrial => t.status === 'valid');
  return {
    mesh,
    meshLabel: measured[0]?.meshLabel ?? mesh,
    level,
    validTrials: valid.length,
    invalidTrials: measured.length - valid.length,
    p50Us: spread(valid.map((t) => t.latency.p50Us)),
    p99Us: spread(valid.map((t) => t.latency.p99Us)),
    achievedRps: spread(valid.map((t) => t.load.achievedRps)),
    failedRequests: valid.reduce((sum, t) => sum + t.load.responsesNon2xx + t.load.errors, 0),
  };
}
