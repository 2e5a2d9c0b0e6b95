/** summary.csv: one row per mesh and load level; medians over valid repetitions, units in names. */
import { stringify } from 'csv-stringify/sync';
import type { RunResult } from '../results/model.ts';
import { summarizeByMeshAndLevel, type Spread } from '../results/overhead.ts';

export const SUMMARY_CSV_COLUMNS = [
  'mesh', 'mesh_label', 'level', 'connections', 'target_rps', 'valid_trials', 'invalid_trials',
  'p50_us', 'p50_us_min', 'p50_us_max', 'p99_us', 'p99_us_min', 'p99_us_max', 'p50_added_us', 'p99_added_us',
  'achieved_rps', 'rps_change_pct', 'failed_requests',
  'app_cpu_cores', 'app_cpu_cores_change', 'sidecar_cpu_cores', 'sidecar_cpu_cores_per_1k_rps', 'loadgen_cpu_cores',
  'app_memory_mib', 'sidecar_memory_mib',
] as const;

const MIB = 1024 * 1024;
const n = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? '' : v.toFixed(digits));
const med = (s: Spread | null, digits = 0, scale = 1) => n(s ? s.median / scale : null, digits);

export function renderSummaryCsv(result: RunResult): string {
  const rows = summarizeByMeshAndLevel(result).map((r) => ({
    mesh: r.mesh,
    mesh_label: r.meshLabel,
    level: r.level.id,
    connections: r.level.connections,
    target_rps: r.level.targetRps ?? '',
    valid_trials: r.validTrials,
    invalid_trials: r.invalidTrials,
    p50_us: med(r.p50Us),
    p50_us_min: n(r.p50Us?.min),
    p50_us_max: n(r.p50Us?.max),
    p99_us: med(r.p99Us),
    p99_us_min: n(r.p99Us?.min),
    p99_us_max: n(r.p99Us?.max),
    p50_added_us: n(r.p50OverheadUs),
    p99_added_us: n(r.p99OverheadUs),
    achieved_rps: med(r.achievedRps, 1),
    rps_change_pct: n(r.rpsChange === null ? null : r.rpsChange * 100, 2),
    failed_requests: r.failedRequests,
    app_cpu_cores: med(r.appCpuCores, 4),
    app_cpu_cores_change: n(r.appCpuCoresChange, 4),
    sidecar_cpu_cores: med(r.sidecarCpuCores, 4),
    sidecar_cpu_cores_per_1k_rps: med(r.sidecarCpuCoresPerKrps, 4),
    loadgen_cpu_cores: med(r.loadgenCpuCores, 4),
    app_memory_mib: med(r.appMemoryBytes, 1, MIB),
    sidecar_memory_mib: med(r.sidecarMemoryBytes, 1, MIB),
  }));
  return stringify(rows, { header: true, columns: [...SUMMARY_CSV_COLUMNS] });
}
