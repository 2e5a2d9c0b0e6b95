/** results.csv: one row per trial, stable columns whose names carry their units. */
import { stringify } from 'csv-stringify/sync';
import { isMeasured, type MeasuredTrial, type RunResult, type TrialResult } from '../results/model.ts';
import { trialMetric } from '../results/metrics.ts';
import { byRole, coresPerKrps } from '../results/resources.ts';
import { escapeCsvCell } from './escape.ts';

export const TRIAL_CSV_COLUMNS = [
  'trial', 'mesh', 'mesh_label', 'level', 'connections', 'target_rps', 'repetition', 'status', 'reasons', 'engine',
  'requests', 'responses_2xx', 'responses_non2xx', 'errors', 'errors_timeout', 'errors_refused', 'errors_reset', 'errors_other',
  'duration_ms', 'achieved_rps', 'sent_rps', 'p50_us', 'p90_us', 'p99_us', 'p999_us', 'max_us', 'mean_us',
  'all_attempts_p50_us', 'all_attempts_p99_us', 'all_attempts_p999_us', 'clamped_latencies',
  'uncorrected_p50_us', 'uncorrected_p99_us', 'scheduler_lag_p50_us', 'scheduler_lag_p99_us',
  'app_cpu_cores', 'app_cpu_cores_max', 'app_memory_avg_mib', 'app_memory_max_mib',
  'sidecar_cpu_cores', 'sidecar_cpu_cores_max', 'sidecar_memory_avg_mib', 'sidecar_memory_max_mib', 'sidecar_cpu_cores_per_1k_rps',
  'loadgen_cpu_cores', 'loadgen_memory_avg_mib',
  'throughput_bps', 'sent_bps', 'sent_bytes', 'received_bytes', 'sidecar_cpu_cores_per_gbps', 'node_proxy_cpu_cores_per_gbps', 'caveats',
] as const;

/** Columns of requests, blank for a bandwidth trial: it sends none, so they are not measured (not 0). */
const REQUEST_COLUMNS = [
  'requests', 'responses_2xx', 'responses_non2xx', 'achieved_rps', 'sent_rps', 'p50_us', 'p90_us', 'p99_us', 'p999_us', 'max_us', 'mean_us',
  'all_attempts_p50_us', 'all_attempts_p99_us', 'all_attempts_p999_us', 'clamped_latencies', 'sidecar_cpu_cores_per_1k_rps',
] as const satisfies readonly (typeof TRIAL_CSV_COLUMNS)[number][];

type Row = Record<Exclude<(typeof TRIAL_CSV_COLUMNS)[number], 'caveats'>, string | number>;

function row(t: TrialResult): Row {
  const base = {
    trial: t.trial.index + 1,
    mesh: escapeCsvCell(t.trial.mesh),
    mesh_label: escapeCsvCell('meshLabel' in t ? t.meshLabel : t.trial.mesh),
    level: t.trial.level.id,
    connections: t.trial.level.connections,
    target_rps: t.trial.level.targetRps ?? '',
    repetition: t.trial.repetition,
    status: t.status,
  };
  if (!isMeasured(t)) {
    const empty = Object.fromEntries(TRIAL_CSV_COLUMNS.map((c) => [c, ''])) as Row;
    return { ...empty, ...base, reasons: escapeCsvCell(t.status === 'failed' ? `${t.stage}: ${t.error.what}` : `aborted during ${t.stage}`) };
  }
  const l = t.load;
  const measured: Row = {
    ...base,
    reasons: escapeCsvCell(t.reasons.join('; ')),
    engine: escapeCsvCell(l.engine),
    requests: l.requests,
    responses_2xx: l.responses2xx,
    responses_non2xx: l.responsesNon2xx,
    errors: l.errors,
    errors_timeout: l.errorsByClass.timeout,
    errors_refused: l.errorsByClass.refused,
    errors_reset: l.errorsByClass.reset,
    errors_other: l.errorsByClass.other,
    duration_ms: Math.round(l.durationMs),
    achieved_rps: l.achievedRps.toFixed(1),
    sent_rps: l.sentRps === null ? '' : l.sentRps.toFixed(1),
    p50_us: t.latency.p50Us,
    p90_us: t.latency.p90Us ?? '',
    p99_us: t.latency.p99Us ?? '',
    p999_us: t.latency.p999Us ?? '',
    max_us: t.latency.maxUs,
    mean_us: t.latency.meanUs,
    all_attempts_p50_us: t.allAttemptsLatency.p50Us,
    all_attempts_p99_us: t.allAttemptsLatency.p99Us ?? '',
    all_attempts_p999_us: t.allAttemptsLatency.p999Us ?? '',
    clamped_latencies: l.clampedLatencies ?? '',
    uncorrected_p50_us: t.uncorrectedLatency?.p50Us ?? '',
    uncorrected_p99_us: t.uncorrectedLatency?.p99Us ?? '',
    scheduler_lag_p50_us: t.schedulerLag?.p50Us ?? '',
    scheduler_lag_p99_us: t.schedulerLag?.p99Us ?? '',
    ...resourceColumns(t),
    ...bandwidthColumns(t),
  };
  return l.bandwidth ? { ...measured, ...Object.fromEntries(REQUEST_COLUMNS.map((c) => [c, ''])) } : measured;
}

/** Mode bandwidth's figures (results/metrics.ts) and the counts they come from; blank in other modes. */
function bandwidthColumns(t: MeasuredTrial) {
  const b = t.load.bandwidth;
  const figure = (m: Parameters<typeof trialMetric>[1], digits: number) => {
    const v = trialMetric(t, m);
    return v === null ? '' : v.toFixed(digits);
  };
  return {
    throughput_bps: figure('throughput_bps', 0),
    sent_bps: figure('sent_bps', 0),
    sent_bytes: b ? b.sentBytes : '',
    received_bytes: b?.receivedBytes ?? '',
    sidecar_cpu_cores_per_gbps: figure('sidecar_cpu_per_gbps', 4),
    node_proxy_cpu_cores_per_gbps: figure('node_proxy_cpu_per_gbps', 4),
  };
}

const MIB = 1024 * 1024;
const cores = (n: number | undefined) => (n === undefined ? '' : n.toFixed(4));
const mib = (n: number | undefined) => (n === undefined ? '' : (n / MIB).toFixed(1));

/** Sums per role: both sidecars together; empty cells when a role is absent (no sidecars for none). */
function resourceColumns(t: MeasuredTrial) {
  const app = byRole(t.resources, 'app') ?? undefined;
  const sidecar = byRole(t.resources, 'sidecar') ?? undefined;
  const loadgen = byRole(t.resources, 'loadgen') ?? undefined;
  const perKrps = sidecar ? coresPerKrps(sidecar.cpuCores, t.load.achievedRps) : null;
  return {
    app_cpu_cores: cores(app?.cpuCores),
    app_cpu_cores_max: cores(app?.cpuCoresMax),
    app_memory_avg_mib: mib(app?.memoryBytesAvg),
    app_memory_max_mib: mib(app?.memoryBytesMax),
    sidecar_cpu_cores: cores(sidecar?.cpuCores),
    sidecar_cpu_cores_max: cores(sidecar?.cpuCoresMax),
    sidecar_memory_avg_mib: mib(sidecar?.memoryBytesAvg),
    sidecar_memory_max_mib: mib(sidecar?.memoryBytesMax),
    sidecar_cpu_cores_per_1k_rps: cores(perKrps ?? undefined),
    loadgen_cpu_cores: cores(loadgen?.cpuCores),
    loadgen_memory_avg_mib: mib(loadgen?.memoryBytesAvg),
  };
}

/** The run's caveats (simulated pods, averaged figures) travel with every row a spreadsheet may be cut to. */
export function renderTrialsCsv(result: RunResult): string {
  const caveats = escapeCsvCell(result.environment.caveats.join('; '));
  return stringify(result.trials.map((t) => ({ ...row(t), caveats })), { header: true, columns: [...TRIAL_CSV_COLUMNS] });
}
