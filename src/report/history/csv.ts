/** history.csv: one row per series and run, the change point (if one opens there) on the same row. */
import { stringify } from 'csv-stringify/sync';
import type { History } from '../../results/history/index.ts';
import { HISTORY_METRICS } from '../../results/history/index.ts';
import { escapeCsvCell } from '../escape.ts';

export const HISTORY_CSV_COLUMNS = [
  'scenario', 'mesh', 'mesh_label', 'level', 'metric', 'interval', 'run_index', 'run_id', 'started_at', 'gate',
  'value', 'low', 'high', 'n', 'change_point', 'step', 'step_low', 'step_high', 'step_pct', 'step_low_pct', 'step_high_pct', 'p_value',
  'environment_changes',
] as const;

const num = (v: number | null | undefined) => (v === null || v === undefined ? '' : Number(v.toPrecision(6)));

export function renderHistoryCsv(h: History): string {
  const rows = h.series.flatMap((s) =>
    s.points.flatMap((p, i) => {
      if (!p) return [];
      const run = h.runs[i]!;
      const cp = h.changePoints.find((c) => c.seriesKey === s.key && c.runIndex === i);
      const pct = (v: number | undefined) => (v === undefined ? '' : num(v * 100));
      return [{
        scenario: escapeCsvCell(h.scenario),
        mesh: escapeCsvCell(s.mesh),
        mesh_label: escapeCsvCell(s.meshLabel),
        level: escapeCsvCell(s.level),
        metric: s.metric,
        interval: HISTORY_METRICS[s.metric].interval,
        run_index: i + 1,
        run_id: escapeCsvCell(run.runId),
        started_at: run.startedAt,
        gate: escapeCsvCell(run.gate?.mark ?? ''),
        value: num(p.value),
        low: num(p.low),
        high: num(p.high),
        n: p.n,
        change_point: cp ? 1 : 0,
        step: num(cp?.step.estimate),
        step_low: num(cp?.step.low),
        step_high: num(cp?.step.high),
        step_pct: pct(cp?.relativeStep?.estimate),
        step_low_pct: pct(cp?.relativeStep?.low),
        step_high_pct: pct(cp?.relativeStep?.high),
        p_value: num(cp?.pValue),
        environment_changes: escapeCsvCell(run.changes.map((d) => `${d.what}: ${d.baseline} -> ${d.candidate}`).join('; ')),
      }];
    }),
  );
  return stringify(rows, { header: true, columns: [...HISTORY_CSV_COLUMNS] });
}
