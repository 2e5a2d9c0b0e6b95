/** The terminal's account of a history: how many runs, and each change point in one line. */
import type { History } from '../../results/history/index.ts';
import { HISTORY_METRICS } from '../../results/history/index.ts';
import { formatPercentChange } from '../format.ts';
import { formatterFor, signed } from './format.ts';

export function renderHistoryText(h: History): string {
  const head = `${h.runs.length} run(s) of ${h.scenario} from ${h.runs[0]!.startedAt.slice(0, 10)} to ${h.runs.at(-1)!.startedAt.slice(0, 10)}, ${h.series.length} series; ${h.changePoints.length} change point(s) (${h.method.falseAlarmRate})`;
  const lines = [...h.changePoints]
    .sort((a, b) => a.runIndex - b.runIndex)
    .map((cp) => {
      const s = h.series.find((x) => x.key === cp.seriesKey)!;
      const fmt = signed(formatterFor(s.metric));
      const rel = cp.relativeStep ? ` (${formatPercentChange(cp.relativeStep.estimate)})` : '';
      const env = cp.environment.length ? `; differs: ${cp.environment.map((d) => `${d.what} ${d.baseline} → ${d.candidate}`).join(', ')}` : '';
      return `  ${cp.at.slice(0, 10)}  ${s.mesh} ${HISTORY_METRICS[s.metric].label} at ${s.level}: ${fmt(cp.step.estimate)} [${fmt(cp.step.low)}, ${fmt(cp.step.high)}]${rel}, runs ${cp.runIdBefore} → ${cp.runIdAfter}, p = ${cp.pValue.toFixed(3)}${env}`;
    });
  return [head, ...lines].join('\n');
}
