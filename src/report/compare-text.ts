/** The comparison as a terminal table: metric, baseline, candidate, change, interval, verdict. */
import type { Comparison } from '../results/compare/index.ts';
import { formatInterval, formatMetricValue, formatStatistic, VERDICT_LABEL } from './compare-format.ts';
import { textTable } from './format.ts';

export function renderComparisonText(c: Comparison): string {
  const rows = c.results.map((r) => [
    r.mesh,
    r.level,
    r.gate.text,
    formatMetricValue(r.gate.metric, r.baseline),
    formatMetricValue(r.gate.metric, r.candidate),
    r.interval ? formatStatistic(r, r.interval.estimate) : '–',
    formatInterval(r),
    VERDICT_LABEL[r.verdict],
  ]);
  const lines = [
    `Baseline: ${c.baseline.description}`,
    `Candidate: ${c.candidate.scenarioName} (${c.candidate.runId})`,
    ...c.differences.map((d) => `${d.blocking && c.forced ? 'FORCED: ' : 'note: '}${d.what} differs: ${d.baseline} → ${d.candidate}`),
    '',
    textTable(['mesh', 'level', 'gate', 'baseline', 'candidate', 'change', '95% interval', 'verdict'], rows, 3),
    '',
  ];
  for (const r of c.results.filter((r) => r.note)) lines.push(`${r.mesh} ${r.level} ${r.gate.text}: ${r.note}`);
  const inconclusive = c.results.filter((r) => r.verdict === 'inconclusive');
  if (inconclusive.length) {
    lines.push(`${inconclusive.length} gate(s) inconclusive: too few repetitions, or an interval that straddles the threshold. Add repetitions to decide; --inconclusive=${c.inconclusive} counts them as ${c.inconclusive === 'pass' ? 'passing' : 'failing'}.`);
  }
  lines.push(c.outcome === 'pass' ? 'Gate: pass' : 'Gate: REGRESSION');
  return lines.join('\n');
}
