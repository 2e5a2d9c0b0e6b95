/** summary.csv: one row per mesh and load level, from the run summary; units in the column names. */
import { stringify } from 'csv-stringify/sync';
import type { PairedEstimate } from '../results/paired.ts';
import type { RunSummary, Spread } from '../results/summary.ts';
import { escapeCsvCell } from './escape.ts';

export const SUMMARY_CSV_COLUMNS = [
  'mesh', 'mesh_label', 'level', 'connections', 'target_rps', 'valid_trials', 'invalid_trials', 'failed_trials',
  'p50_us', 'p50_us_min', 'p50_us_max', 'p99_us', 'p99_us_min', 'p99_us_max', 'p999_us',
  'all_attempts_p50_us', 'all_attempts_p99_us', 'all_attempts_p999_us',
  'p50_added_us', 'p50_added_low_us', 'p50_added_high_us', 'p99_added_us', 'p99_added_low_us', 'p99_added_high_us', 'all_attempts_p99_added_us', 'added_pairs',
  'achieved_rps', 'sent_rps', 'rps_change_pct', 'rps_change_low_pct', 'rps_change_high_pct', 'requests', 'failed_requests',
  'app_cpu_cores', 'app_cpu_cores_change', 'sidecar_cpu_cores', 'sidecar_cpu_cores_per_pod', 'sidecar_cpu_cores_per_1k_rps',
  'node_proxy_cpu_cores', 'node_proxy_cpu_cores_per_1k_rps', 'loadgen_cpu_cores',
  'throughput_bps', 'throughput_bps_min', 'throughput_bps_max', 'throughput_change_pct', 'throughput_change_low_pct', 'throughput_change_high_pct', 'sent_bps',
  'sidecar_cpu_cores_per_gbps', 'node_proxy_cpu_cores_per_gbps',
  'app_memory_mib', 'sidecar_memory_mib', 'sidecar_memory_mib_per_pod', 'node_proxy_memory_mib', 'caveats',
] as const;

const MIB = 1024 * 1024;
const n = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? '' : v.toFixed(digits));
const med = (s: Spread | null, digits = 0, scale = 1) => n(s ? s.median / scale : null, digits);
const est = (e: PairedEstimate | null | undefined, key: 'estimate' | 'low' | 'high', digits = 0, scale = 1) => n(e ? e[key] * scale : null, digits);

export function renderSummaryCsv(summary: RunSummary, caveats: readonly string[] = []): string {
  const rows = summary.cells.map((c) => {
    const f = c.figures;
    const a = c.added;
    return {
      mesh: escapeCsvCell(c.mesh),
      mesh_label: escapeCsvCell(c.meshLabel),
      level: c.level.id,
      connections: c.level.connections,
      target_rps: c.level.targetRps ?? '',
      valid_trials: c.trials.valid,
      invalid_trials: c.trials.invalid,
      failed_trials: c.trials.failed,
      p50_us: med(f.p50),
      p50_us_min: n(f.p50?.min),
      p50_us_max: n(f.p50?.max),
      p99_us: med(f.p99),
      p99_us_min: n(f.p99?.min),
      p99_us_max: n(f.p99?.max),
      p999_us: med(f.p999),
      all_attempts_p50_us: med(f.all_p50),
      all_attempts_p99_us: med(f.all_p99),
      all_attempts_p999_us: med(f.all_p999),
      p50_added_us: c.isBaseline && !summary.bandwidth ? '0' : est(a?.p50Us, 'estimate'),
      p50_added_low_us: est(a?.p50Us, 'low'),
      p50_added_high_us: est(a?.p50Us, 'high'),
      p99_added_us: c.isBaseline && !summary.bandwidth ? '0' : est(a?.p99Us, 'estimate'),
      p99_added_low_us: est(a?.p99Us, 'low'),
      p99_added_high_us: est(a?.p99Us, 'high'),
      all_attempts_p99_added_us: est(a?.allAttemptsP99Us, 'estimate'),
      added_pairs: a?.p99Us?.n ?? '',
      achieved_rps: med(f.rps, 1),
      sent_rps: med(f.sent_rps, 1),
      rps_change_pct: est(a?.throughputChange, 'estimate', 2, 100),
      rps_change_low_pct: est(a?.throughputChange, 'low', 2, 100),
      rps_change_high_pct: est(a?.throughputChange, 'high', 2, 100),
      requests: c.requests,
      failed_requests: c.failedRequests,
      app_cpu_cores: med(f.app_cpu, 4),
      app_cpu_cores_change: est(a?.appCpuCores, 'estimate', 4),
      sidecar_cpu_cores: med(f.sidecar_cpu, 4),
      sidecar_cpu_cores_per_pod: med(f.sidecar_cpu_per_pod, 4),
      sidecar_cpu_cores_per_1k_rps: med(f.sidecar_cpu_per_krps, 4),
      node_proxy_cpu_cores: med(f.node_proxy_cpu, 4),
      node_proxy_cpu_cores_per_1k_rps: med(f.node_proxy_cpu_per_krps, 4),
      loadgen_cpu_cores: med(f.loadgen_cpu, 4),
      throughput_bps: med(f.throughput_bps),
      throughput_bps_min: n(f.throughput_bps?.min),
      throughput_bps_max: n(f.throughput_bps?.max),
      throughput_change_pct: est(a?.bandwidthChange, 'estimate', 2, 100),
      throughput_change_low_pct: est(a?.bandwidthChange, 'low', 2, 100),
      throughput_change_high_pct: est(a?.bandwidthChange, 'high', 2, 100),
      sent_bps: med(f.sent_bps),
      sidecar_cpu_cores_per_gbps: med(f.sidecar_cpu_per_gbps, 4),
      node_proxy_cpu_cores_per_gbps: med(f.node_proxy_cpu_per_gbps, 4),
      app_memory_mib: med(f.app_mem, 1, MIB),
      sidecar_memory_mib: med(f.sidecar_mem, 1, MIB),
      sidecar_memory_mib_per_pod: med(f.sidecar_mem_per_pod, 1, MIB),
      node_proxy_memory_mib: med(f.node_proxy_mem, 1, MIB),
      caveats: escapeCsvCell(caveats.join('; ')),
    };
  });
  return stringify(rows, { header: true, columns: [...SUMMARY_CSV_COLUMNS] });
}
