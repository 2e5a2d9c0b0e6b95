/**
 * The series of a trend page: one point per run for each mesh, level and figure. Each point is made
 * by the functions that make the run's own summary (summarizeRun: pairedEstimate for "added",
 * spread of trialMetric over valid trials for the rest), on the same inputs, so the page and the
 * run's report cannot disagree on a night's value (a test holds them equal). Only the figures
 * drawn are worked out: a whole summary per run (five paired estimates per cell, the gates) would make
 * a year of nights take many seconds.
 */
import { BASELINE_MESH } from '../../meshes/index.ts';
import { trialMetric, type TrialMetric } from '../metrics.ts';
import { meshLabel, validTrials, type RunResult } from '../model.ts';
import { pairedEstimate, type PairedEstimate } from '../paired.ts';
import { spread, type Spread } from '../summary.ts';

/** What the interval of a point is: the paired sign-test interval (its level varies with n), or the range over repetitions. */
export type IntervalKind = 'paired' | 'range';

export interface HistoryMetricSpec {
  label: string;
  unit: 'us' | 'rps' | 'cores_per_krps' | 'bytes';
  interval: IntervalKind;
  /** Whether a rise is the bad direction (latency, CPU, memory) or the good one (rps). */
  higherIsWorse: boolean;
  /** Null when the run has no such figure (the baseline's "added", a mesh without sidecars). */
  read: (cell: Cell) => PairedEstimate | Spread | null;
}

/** One mesh at one level of one run, as the reads see it. */
export interface Cell {
  run: RunResult;
  mesh: string;
  level: string;
}

/** As summarizeRun: paired with the baseline mesh by repetition; none for the baseline itself. */
const added = (metric: TrialMetric) => (c: Cell) =>
  c.mesh !== BASELINE_MESH && c.run.scenario.meshes.includes(BASELINE_MESH) ? pairedEstimate(c.run, c.mesh, BASELINE_MESH, c.level, metric) : null;
/** As summarizeRun's figures: median and range of each valid repetition's value. */
const figure = (metric: TrialMetric) => (c: Cell) => spread(validTrials(c.run, c.mesh, c.level).flatMap((t) => trialMetric(t, metric) ?? []));

export const HISTORY_METRICS = {
  p50_added_us: { label: 'P50 added over no mesh', unit: 'us', interval: 'paired', higherIsWorse: true, read: added('p50') },
  p99_added_us: { label: 'P99 added over no mesh', unit: 'us', interval: 'paired', higherIsWorse: true, read: added('p99') },
  rps: { label: 'completed rps', unit: 'rps', interval: 'range', higherIsWorse: false, read: figure('rps') },
  sidecar_cpu_per_krps: { label: 'sidecar CPU per 1000 rps', unit: 'cores_per_krps', interval: 'range', higherIsWorse: true, read: figure('sidecar_cpu_per_krps') },
  node_proxy_cpu_per_krps: { label: 'node-proxy CPU per 1000 rps', unit: 'cores_per_krps', interval: 'range', higherIsWorse: true, read: figure('node_proxy_cpu_per_krps') },
  sidecar_memory_bytes_per_pod: { label: 'sidecar memory per pod', unit: 'bytes', interval: 'range', higherIsWorse: true, read: figure('sidecar_mem_per_pod') },
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
  const cells = new Map<string, { mesh: string; level: string }>();
  for (const r of runs) for (const level of r.levels) for (const mesh of r.scenario.meshes) cells.set(`${mesh}/${level.id}`, { mesh, level: level.id });
  const series: HistorySeries[] = [];
  for (const { mesh, level } of cells.values()) {
    const label = [...runs].reverse().find((r) => r.scenario.meshes.includes(mesh));
    for (const metric of HISTORY_METRIC_NAMES) {
      const points = runs.map((run) => {
        if (!run.scenario.meshes.includes(mesh) || !run.levels.some((l) => l.id === level)) return null;
        const v = HISTORY_METRICS[metric].read({ run, mesh, level });
        return v ? toPoint(v) : null;
      });
      if (points.some((p) => p !== null)) series.push({ key: `${mesh}/${level}/${metric}`, mesh, meshLabel: label ? meshLabel(label, mesh) : mesh, level, metric, points });
    }
  }
  return series;
}
