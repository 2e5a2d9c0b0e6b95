/**
 * What each mesh adds over `none`, per load level. Repetitions are summarised by their median (a
 * single slow repetition must not move the figure); the spread (min..max) is kept beside it.
 * Confidence intervals come with the comparison gate.
 */
import type { LoadLevel } from '../scenario/plan.ts';
import type { ContainerRole } from '../platforms/types.ts';
import { isMeasured, meshLabel, type MeasuredTrial, type RunResult } from './model.ts';
import { byRole, coresPerKrps, sidecarsByPod, type RoleFigures } from './resources.ts';

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
  /** Medians over valid repetitions of each trial's totals per role; null when not measured. */
  appCpuCores: Spread | null;
  sidecarCpuCores: Spread | null;
  loadgenCpuCores: Spread | null;
  appMemoryBytes: Spread | null;
  sidecarMemoryBytes: Spread | null;
  /** Both sidecars' cores per 1000 achieved rps. */
  sidecarCpuCoresPerKrps: Spread | null;
  /** What the mesh adds to each pod: its sidecar (median cores and memory over repetitions). */
  podSidecars: { pod: string; cpuCores: number; memoryBytes: number }[];
  /** Median minus the `none` median at the same level; null without a baseline. */
  p50OverheadUs: number | null;
  p99OverheadUs: number | null;
  /** Relative change of throughput against `none`, e.g. -0.42 for 42 % fewer rps. */
  rpsChange: number | null;
  /** The app's own CPU change against `none` (a proxy in front changes how it is called). */
  appCpuCoresChange: number | null;
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
        appCpuCoresChange: delta(cell.appCpuCores, baseline.appCpuCores),
      });
    }
  }
  return rows;
}

type Cell = Omit<MeshLevelSummary, 'p50OverheadUs' | 'p99OverheadUs' | 'rpsChange' | 'appCpuCoresChange'>;

function summarizeCell(result: RunResult, mesh: string, level: LoadLevel): Cell {
  const trials = result.trials.filter((t) => t.trial.mesh === mesh && t.trial.level.id === level.id);
  const measured = trials.filter(isMeasured);
  const valid = measured.filter((t): t is MeasuredTrial => t.status === 'valid');
  return {
    mesh,
    meshLabel: meshLabel(result, mesh),
    level,
    validTrials: valid.length,
    invalidTrials: measured.length - valid.length,
    p50Us: spread(valid.map((t) => t.latency.p50Us)),
    p99Us: spread(valid.map((t) => t.latency.p99Us)),
    achievedRps: spread(valid.map((t) => t.load.achievedRps)),
    failedRequests: valid.reduce((sum, t) => sum + t.load.responsesNon2xx + t.load.errors, 0),
    ...resourceSpreads(valid),
  };
}

function resourceSpreads(valid: readonly MeasuredTrial[]) {
  const of = (role: ContainerRole, f: (r: RoleFigures) => number) =>
    spread(valid.flatMap((t) => {
      const figures = byRole(t.resources, role);
      return figures ? [f(figures)] : [];
    }));
  const pods = [...new Set(valid.flatMap((t) => sidecarsByPod(t.resources).map((s) => s.pod)))];
  return {
    appCpuCores: of('app', (r) => r.cpuCores),
    sidecarCpuCores: of('sidecar', (r) => r.cpuCores),
    loadgenCpuCores: of('loadgen', (r) => r.cpuCores),
    appMemoryBytes: of('app', (r) => r.memoryBytesAvg),
    sidecarMemoryBytes: of('sidecar', (r) => r.memoryBytesAvg),
    sidecarCpuCoresPerKrps: spread(valid.flatMap((t) => {
      const cores = byRole(t.resources, 'sidecar')?.cpuCores;
      const perKrps = cores === undefined ? null : coresPerKrps(cores, t.load.achievedRps);
      return perKrps === null ? [] : [perKrps];
    })),
    podSidecars: pods.map((pod) => {
      const of = valid.flatMap((t) => sidecarsByPod(t.resources).filter((s) => s.pod === pod));
      return { pod, cpuCores: spread(of.map((s) => s.cpuCores))!.median, memoryBytes: spread(of.map((s) => s.memoryBytesAvg))!.median };
    }),
  };
}
