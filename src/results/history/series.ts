/**
 * The series of a trend page: one point per run for each mesh, level and figure. Each point is the
 * figure the run's own summary holds (summarizeRun), never worked out again here, so the page and
 * the run's report cannot disagree on a night's value.
 */
import { meshLabel, type RunResult } from '../model.ts';
import type { PairedEstimate } from '../paired.ts';
import { summarizeRun, type CellSummary, type Spread } from '../summary.ts';

/** What the interval of a point is: a paired bootstrap interval, or the range over repetitions. */
export type IntervalKind = 'bootstrap95' | 'range';

export interface HistoryMetricSpec {
  label: string;
  unit: 'us' | 'rps' | 'cores_per_krps' | 'bytes';
  interval: IntervalKind;
  /** Whether a rise is the bad direction (latency, CPU, memory) or the good one (rps). */
  higherIsWorse: boolean;
  /** Null when the cell has no such figure (the baseline's "added", a mesh without sidecars). */
  read: (cell: CellSummary) => PairedEstimate | Spread | null;
}

export const HISTORY_METRICS = {
  p50_added_us: { label: 'P50 added over no mesh', unit: 'us', interval: 'bootstrap95', higherIsWorse: true, read: (c) => c.added?.p50Us ?? null },
  p99_added_us: { label: 'P99 added over no mesh', unit: 'us', interval: 'bootstrap95', higherIsWorse: true, read: (c) => c.added?.p99Us ?? null },
  rps: { label: 'completed rps', unit: 'rps', interval: 'range', higherIsWorse: false, read: (c) => c.figures.rps },
  sidecar_cpu_per_krps: { label: 'sidecar CPU per 1000 rps', unit: 'cores_per_krps', interval: 'range', higherIsWorse: true, read: (c) => c.figures.sidecar_cpu_per_krps },
  node_proxy_cpu_per_krps: { label: 'node-proxy CPU per 1000 rps', unit: 'cores_per_krps', interval: 'range', higherIsWorse: true, read: (c) => c.figures.node_proxy_cpu_per_krps },
  sidecar_memory_bytes_per_pod: { label: 'sidecar memory per pod', unit: 'bytes', interval: 'range', higherIsWorse: true, read: (c) => c.figures.sidecar_mem_per_pod },
} as const satisfies Record<string, HistoryMetricSpec>;

export type HistoryMetric = keyof typeof HISTORY_METRICS;
export const HISTORY_METRIC_NAMES = Object.keys(HISTORY_METRICS) as HistoryMetric[];

export interface HistoryPoint {
  value: number;
  low: number;
  high: number;
  /** Pairs (added figures) or valid repetitions (the others) the point rests on. */
  n: number;
}

export interface HistorySeries {
  /** `mesh/level/metric`, unique in a history. */
  key: string;
  mesh: string;
  /** The mesh as the newest run that has it realised it, e.g. "istio (local emulation: ...)". */
  meshLabel: string;
  level: string;
  metric: HistoryMetric;
  /** One entry per run of the history, in the same order; null where the run has no such figure. */
  points: (HistoryPoint | null)[];
}

function toPoint(v: PairedEstimate | Spread): HistoryPoint {
  return 'estimate' in v ? { value: v.estimate, low: v.low, high: v.high, n: v.n } : { value: v.median, low: v.min, high: v.max, n: v.n };
}

/** Every series that has at least one point, meshes and levels in order of first appearance. */
export function buildSeries(runs: readonly RunResult[]): HistorySeries[] {
  const summaries = runs.map((r) => summarizeRun(r));
  const cells = new Map<string, { mesh: string; level: string }>();
  for (const s of summaries) for (const c of s.cells) cells.set(`${c.mesh}/${c.level.id}`, { mesh: c.mesh, level: c.level.id });
  const series: HistorySeries[] = [];
  for (const { mesh, level } of cells.values()) {
    const label = [...runs].reverse().find((r) => r.scenario.meshes.includes(mesh));
    for (const metric of HISTORY_METRIC_NAMES) {
      const points = summaries.map((s) => {
        const cell = s.cells.find((c) => c.mesh === mesh && c.level.id === level);
        const v = cell ? HISTORY_METRICS[metric].read(cell) : null;
        return v ? toPoint(v) : null;
      });
      if (points.some((p) => p !== null)) series.push({ key: `${mesh}/${level}/${metric}`, mesh, meshLabel: label ? meshLabel(label, mesh) : mesh, level, metric, points });
    }
  }
  return series;
}
