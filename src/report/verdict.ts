/**
 * The verdict table people already use (Metric | Istio | App Mesh): what each mesh adds over no
 * mesh at a load level. Pure formatting of the run summary: every figure comes from
 * `summarizeRun`, so this table, the terminal, the CSV and the HTML show the same numbers.
 */
import type { PairedEstimate } from '../results/paired.ts';
import type { CellSummary, RunSummary, Spread } from '../results/summary.ts';
import type { LoadLevel } from '../scenario/plan.ts';
import { formatLevel } from './compare-format.ts';
import { formatBitsPerSecond, formatCores, formatMiB, formatSignedUs } from './format.ts';

export interface VerdictTable {
  level: LoadLevel;
  /** The meshes other than the baseline, in scenario order. */
  cells: CellSummary[];
  rows: { metric: string; values: string[] }[];
}

const signedPercent = (fraction: number) => `${fraction >= 0 ? '+' : '−'}${Math.abs(fraction * 100).toFixed(1)}%`;
const signedCores = (v: number) => `${v >= 0 ? '+' : '−'}${formatCores(Math.abs(v))} cores`;

/**
 * "+178 µs (96.9 % interval +150 … +205 µs, 6 pairs)": the level printed is the coverage the
 * interval really has at that n; a figure short of the level asked says it is not firm.
 */
export function formatEstimate(e: PairedEstimate | null, format: (v: number) => string, minPairs: number): string {
  if (!e) return '–';
  if (e.n === 1) return `${format(e.estimate)} (1 pair, no interval: a firm figure needs ${minPairs})`;
  const interval = `${formatLevel(e.level)} interval ${format(e.low)} … ${format(e.high)}, ${e.n} pairs`;
  return e.firm ? `${format(e.estimate)} (${interval})` : `${format(e.estimate)} (${interval}; not firm: needs ${minPairs})`;
}

/** "52.3 MiB (50.1 … 54.0, 3 reps)" */
export function formatSpread(s: Spread | null, format: (v: number) => string): string {
  if (!s) return '–';
  return s.n > 1 ? `${format(s.median)} (${format(s.min)} … ${format(s.max)}, ${s.n} reps)` : `${format(s.median)} (1 rep)`;
}

export function verdictTables(summary: RunSummary): VerdictTable[] {
  const min = summary.minFirmPairs;
  return summary.levels.map((level) => {
    const cells = summary.cells.filter((c) => c.level.id === level.id && !c.isBaseline);
    const row = (metric: string, f: (c: CellSummary) => string) => ({ metric, values: cells.map(f) });
    const hasNodeProxy = cells.some((c) => c.figures.node_proxy_cpu !== null);
    if (summary.bandwidth) return { level, cells, rows: bandwidthRows(cells, row, hasNodeProxy, min) };
    return {
      level,
      cells,
      rows: [
        row('P50 latency added', (c) => formatEstimate(c.added?.p50Us ?? null, formatSignedUs, min)),
        row('P99 latency added', (c) => formatEstimate(c.added?.p99Us ?? null, formatSignedUs, min)),
        row('P99 added, all attempts (failures at their time to failure)', (c) => formatEstimate(c.added?.allAttemptsP99Us ?? null, formatSignedUs, min)),
        row('Throughput impact (completed 2xx/s)', (c) => formatEstimate(c.added?.throughputChange ?? null, signedPercent, min)),
        row('App CPU change', (c) => formatEstimate(c.added?.appCpuCores ?? null, signedCores, min)),
        row('Memory overhead per pod (sidecar)', (c) => formatSpread(c.figures.sidecar_mem_per_pod, formatMiB)),
        row('CPU overhead per pod (sidecar)', (c) => formatSpread(c.figures.sidecar_cpu_per_pod, (v) => `${formatCores(v)} cores`)),
        row('Sidecar CPU per 1000 rps (both sidecars)', (c) => formatSpread(c.figures.sidecar_cpu_per_krps, (v) => `${formatCores(v)} cores`)),
        ...(hasNodeProxy ? [row('Node proxy CPU per 1000 rps (charged per node)', (c) => formatSpread(c.figures.node_proxy_cpu_per_krps, (v) => `${formatCores(v)} cores`))] : []),
      ],
    };
  });
}

type RowOf = (metric: string, f: (c: CellSummary) => string) => VerdictTable['rows'][number];
const perGbps = (v: number) => `${formatCores(v)} cores`;

/** Mode bandwidth: bits per second and CPU per Gbit/s; latency is said to be not measured, never shown as 0. */
function bandwidthRows(cells: readonly CellSummary[], row: RowOf, hasNodeProxy: boolean, min: number): VerdictTable['rows'] {
  return [
    row('Bandwidth received by the sink', (c) => formatSpread(c.figures.throughput_bps, formatBitsPerSecond)),
    row('Bandwidth change', (c) => formatEstimate(c.added?.bandwidthChange ?? null, signedPercent, min)),
    ...(cells.some((c) => c.figures.sidecar_cpu_per_gbps !== null) ? [row('Sidecar CPU per Gbit/s (both sidecars)', (c) => formatSpread(c.figures.sidecar_cpu_per_gbps, perGbps))] : []),
    ...(hasNodeProxy ? [row('Node proxy CPU per Gbit/s (every ztunnel)', (c) => formatSpread(c.figures.node_proxy_cpu_per_gbps, perGbps))] : []),
    row('App CPU change', (c) => formatEstimate(c.added?.appCpuCores ?? null, signedCores, min)),
    row('Memory overhead per pod (sidecar)', (c) => formatSpread(c.figures.sidecar_mem_per_pod, formatMiB)),
    row('Latency', () => 'not measured in bandwidth mode'),
  ];
}

/** What a reader must know to read the table: the estimator and the firm-verdict rule. */
export function verdictFootnote(summary: RunSummary): string {
  const figures = summary.bandwidth
    ? 'Bandwidth is goodput at the TCP sink; latency is not measured in bandwidth mode. Invalid and failed trials are left out of resource figures; bandwidth reads every measured trial.'
    : 'Latency is of 2xx responses unless it says all attempts. Invalid and failed trials are left out of latency and resource figures; throughput and errors read every measured trial.';
  return `"Added" is the median of the differences to ${summary.baselineMesh ?? 'the baseline'} paired by repetition, with the sign-test interval between two of those differences; its level is the coverage it really has at that number of pairs (75 % at 3, 94 % at 5, 97 % at 6). A firm figure needs a ${formatLevel(summary.confidence)} interval: ${summary.minFirmPairs} or more valid pairs. ${figures}`;
}
