/**
 * One summary of a run, from which every output is formatted: the terminal table, summary.csv,
 * summary.md, report.html, JUnit, `bench compare`. Each figure is worked out here once, so two
 * outputs can never show two values for "P99 added" (DESIGN.md: every figure is computed once).
 */
import { BASELINE_MESH } from '../meshes/index.ts';
import type { LoadLevel } from '../scenario/plan.ts';
import { decodeHistogram, mergeHistograms, type Histogram } from './histogram.ts';
import type { GateResult } from './compare/types.ts';
import { crossMeshDecisions, expectationChecks, type ExpectationCheck } from './decision.ts';
import { trialMetric, type TrialMetric } from './metrics.ts';
import { isMeasured, meshLabel, validTrials, type MeasuredTrial, type RunResult } from './model.ts';
import { DEFAULT_CONFIDENCE } from './compare/intervals.ts';
import { minPairsFor, pairedEstimate, type PairedEstimate } from './paired.ts';
import { sidecarsByPod } from './resources.ts';

/** Median and range over repetitions. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, n: sorted.length };
}

/** What a mesh adds over the baseline at one level, paired by repetition. */
export interface Added {
  p50Us: PairedEstimate | null;
  p99Us: PairedEstimate | null;
  allAttemptsP99Us: PairedEstimate | null;
  /** Relative change of completed rps, e.g. −0.05 for 5 % fewer. */
  throughputChange: PairedEstimate | null;
  appCpuCores: PairedEstimate | null;
  /** Mode bandwidth: relative change of the bits per second the sink received, e.g. −0.30 for 30 % less. */
  bandwidthChange: PairedEstimate | null;
}

export interface CellSummary {
  mesh: string;
  meshLabel: string;
  isBaseline: boolean;
  level: LoadLevel;
  trials: { valid: number; invalid: number; failed: number; aborted: number };
  /** Figures over valid repetitions: median and range of each repetition's value. */
  figures: { [M in TrialMetric]: Spread | null };
  /** Requests and failed requests (non-2xx and errors) over every measured trial, valid or not. */
  requests: number;
  failedRequests: number;
  /** The sidecar each pod carries: median over valid repetitions. */
  podSidecars: { pod: string; cpuCores: number; memoryBytes: number }[];
  /** Null for the baseline itself, or when the run has no baseline mesh. */
  added: Added | null;
}

export interface RunSummary {
  baselineMesh: string | null;
  /**
   * Mode bandwidth: the figures are bits per second and cores per Gbit/s; latency, request rate
   * and errors are not measured (their figures are null), and reports say so.
   */
  bandwidth: boolean;
  meshes: { name: string; label: string; isBaseline: boolean }[];
  levels: LoadLevel[];
  /** Level by level, meshes in scenario order. */
  cells: CellSummary[];
  /** Pairs a firm figure needs at `confidence`. */
  minFirmPairs: number;
  /** The level a figure or verdict must reach to be firm. */
  confidence: number;
  /** The scenario's cross-mesh gates, judged within the run (the migration decision). */
  decisions: GateResult[];
  /** Claimed ranges beside the measurements. */
  expectations: ExpectationCheck[];
}

const METRICS = [
  'p50', 'p90', 'p99', 'p999', 'all_p50', 'all_p99', 'all_p999', 'rps', 'sent_rps', 'errors', 'throughput_bps', 'sent_bps',
  'app_cpu', 'app_mem', 'sidecar_cpu', 'sidecar_mem', 'sidecar_cpu_per_pod', 'sidecar_mem_per_pod', 'sidecar_cpu_per_krps',
  'node_proxy_cpu', 'node_proxy_mem', 'node_proxy_cpu_per_krps', 'sidecar_cpu_per_gbps', 'node_proxy_cpu_per_gbps', 'loadgen_cpu', 'loadgen_mem', 'control_plane_cpu', 'control_plane_mem',
] as const satisfies readonly TrialMetric[];

/** `confidence`: the level a figure or verdict must reach to be firm (`--confidence`). */
export function summarizeRun(result: RunResult, confidence = DEFAULT_CONFIDENCE): RunSummary {
  const baselineMesh = result.scenario.meshes.includes(BASELINE_MESH) ? BASELINE_MESH : null;
  const cells = result.levels.flatMap((level) => result.scenario.meshes.map((mesh) => summarizeCell(result, mesh, level, baselineMesh, confidence)));
  return {
    baselineMesh,
    bandwidth: result.scenario.load.mode === 'bandwidth',
    meshes: result.scenario.meshes.map((name) => ({ name, label: meshLabel(result, name), isBaseline: name === baselineMesh })),
    levels: result.levels,
    cells,
    minFirmPairs: minPairsFor(confidence),
    confidence,
    decisions: crossMeshDecisions(result, confidence),
    expectations: expectationChecks(result, cells, confidence),
  };
}

export function findCell(summary: RunSummary, mesh: string, levelId: string): CellSummary | undefined {
  return summary.cells.find((c) => c.mesh === mesh && c.level.id === levelId);
}

function summarizeCell(result: RunResult, mesh: string, level: LoadLevel, baselineMesh: string | null, confidence: number): CellSummary {
  const trials = result.trials.filter((t) => t.trial.mesh === mesh && t.trial.level.id === level.id);
  const measured = trials.filter(isMeasured);
  const valid = measured.filter((t): t is MeasuredTrial => t.status === 'valid');
  const figures = Object.fromEntries(METRICS.map((m) => [m, spread(valid.flatMap((t) => trialMetric(t, m) ?? []))])) as CellSummary['figures'];
  const isBaseline = mesh === baselineMesh;
  const paired = (metric: TrialMetric, statistic: 'difference' | 'ratio' = 'difference') => pairedEstimate(result, mesh, baselineMesh!, level.id, metric, statistic, confidence);
  return {
    mesh,
    meshLabel: meshLabel(result, mesh),
    isBaseline,
    level,
    trials: {
      valid: valid.length,
      invalid: measured.length - valid.length,
      failed: trials.filter((t) => t.status === 'failed').length,
      aborted: trials.filter((t) => t.status === 'aborted').length,
    },
    figures,
    requests: measured.reduce((sum, t) => sum + t.load.requests, 0),
    failedRequests: measured.reduce((sum, t) => sum + t.load.responsesNon2xx + t.load.errors, 0),
    podSidecars: podSidecars(valid),
    added:
      isBaseline || baselineMesh === null
        ? null
        : { p50Us: paired('p50'), p99Us: paired('p99'), allAttemptsP99Us: paired('all_p99'), throughputChange: paired('rps', 'ratio'), appCpuCores: paired('app_cpu'), bandwidthChange: paired('throughput_bps', 'ratio') },
  };
}

function podSidecars(valid: readonly MeasuredTrial[]): CellSummary['podSidecars'] {
  const pods = [...new Set(valid.flatMap((t) => sidecarsByPod(t.resources).map((s) => s.pod)))];
  return pods.map((pod) => {
    const of = valid.flatMap((t) => sidecarsByPod(t.resources).filter((s) => s.pod === pod));
    return { pod, cpuCores: spread(of.map((s) => s.cpuCores))!.median, memoryBytes: spread(of.map((s) => s.memoryBytesAvg))!.median };
  });
}

/**
 * The 2xx latency of every valid repetition of a mesh at a level, merged exactly (counts added,
 * never percentiles averaged): the distribution the report draws. Null without a valid trial.
 */
export function mergedLatency(result: RunResult, mesh: string, levelId: string): Histogram | null {
  const parts = validTrials(result, mesh, levelId).map((t) => decodeHistogram(t.histograms.latencyUs));
  return parts.length ? mergeHistograms(parts) : null;
}

/**
 * The summary with the decision judged against a reference the user gave (an archive of a mesh):
 * those verdicts replace the in-run ones of the same gate, mesh and level (DESIGN.md "A reference
 * the user gives is the one judged").
 */
export function withDecisions(summary: RunSummary, fromReference: readonly GateResult[]): RunSummary {
  if (fromReference.length === 0) return summary;
  const same = (a: GateResult, b: GateResult) => a.gate.text === b.gate.text && a.mesh === b.mesh && a.level === b.level;
  const kept = summary.decisions.filter((d) => !fromReference.some((r) => same(d, r)));
  return { ...summary, decisions: [...fromReference, ...kept] };
}
