/** results.csv: one row per trial, stable columns whose names carry their units. */
import { stringify } from 'csv-stringify/sync';
import { isMeasured, type RunResult, type TrialResult } from '../results/model.ts';

export const TRIAL_CSV_COLUMNS = [
  'trial', 'mesh', 'mesh_label', 'level', 'connections', 'target_rps', 'repetition', 'status', 'reasons',
  'requests', 'responses_2xx', 'responses_non2xx', 'errors', 'errors_timeout', 'errors_refused', 'errors_reset', 'errors_other',
  'duration_ms', 'achieved_rps', 'p50_us', 'p90_us', 'p99_us', 'p999_us', 'max_us', 'mean_us',
  'uncorrected_p50_us', 'uncorrected_p99_us', 'scheduler_lag_p50_us', 'scheduler_lag_p99_us',
] as const;

type Row = Record<(typeof TRIAL_CSV_COLUMNS)[number], string | number>;

function row(t: TrialResult): Row {
  const base = {
    trial: t.trial.index + 1,
    mesh: t.trial.mesh,
    mesh_label: 'meshLabel' in t ? t.meshLabel : t.trial.mesh,
    level: t.trial.level.id,
    connections: t.trial.level.connections,
    target_rps: t.trial.level.targetRps ?? '',
    repetition: t.trial.repetition,
    status: t.status,
  };
  if (!isMeasured(t)) {
    const empty = Object.fromEntries(TRIAL_CSV_COLUMNS.map((c) => [c, ''])) as Row;
    return { ...empty, ...base, reasons: t.status === 'failed' ? `${t.stage}: ${t.error.what}` : `aborted during ${t.stage}` };
  }
  const l = t.load;
  return {
    ...base,
    reasons: t.reasons.join('; '),
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
    p50_us: t.latency.p50Us,
    p90_us: t.latency.p90Us,
    p99_us: t.latency.p99Us,
    p999_us: t.latency.p999Us,
    max_us: t.latency.maxUs,
    mean_us: t.latency.meanUs,
    uncorrected_p50_us: t.uncorrectedLatency?.p50Us ?? '',
    uncorrected_p99_us: t.uncorrectedLatency?.p99Us ?? '',
    scheduler_lag_p50_us: t.schedulerLag?.p50Us ?? '',
    scheduler_lag_p99_us: t.schedulerLag?.p99Us ?? '',
  };
}

export function renderTrialsCsv(result: RunResult): string {
  return stringify(result.trials.map(row), { header: true, columns: [...TRIAL_CSV_COLUMNS] });
}
