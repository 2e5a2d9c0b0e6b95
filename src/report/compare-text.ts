/** The comparison as a terminal table: metric, baseline, candidate, change, interval, verdict. */
import type { Comparison } from '../results/compare/index.ts';
import { formatInterval, formatMetricValue, formatStatistic, outcomeLine, resolutionInWords, VERDICT_LABEL } from './compare-format.ts';
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
    ...c.baseline.leftOut.map((l) => `  left out of the baseline: ${l}`),
    `Candidate: ${c.candidate.scenarioName} (${c.candidate.runId})`,
    ...c.differences.map((d) => `${d.blocking ? 'WAIVED: ' : 'note: '}${d.what} differs: ${d.baseline} → ${d.candidate}`),
    '',
    textTable(['mesh', 'level', 'gate', 'baseline', 'candidate', 'change', 'interval, its level', 'verdict'], rows, 3),
    '',
  ];
  for (const r of c.results) {
    const said = [r.note, resolutionInWords(r)].filter(Boolean).join('; ');
    // Threshold gates compare the two runs named above; a cross-mesh gate names where each side came from.
    const sources = r.gate.kind === 'cross' ? ` [${r.sources.candidate} vs ${r.sources.baseline}]` : '';
    if (said || sources) lines.push(`${r.mesh} ${r.level} ${r.gate.text}${sources}: ${said || VERDICT_LABEL[r.verdict]}`);
  }
  const inconclusive = c.results.filter((r) => r.verdict === 'inconclusive');
  if (inconclusive.length) {
    lines.push(`${inconclusive.length} gate(s) inconclusive: too few repetitions for the ${Math.round(c.confidence * 100)} % asked, or an interval that reaches both sides of the threshold. Add repetitions to decide; --inconclusive ${c.inconclusive} sets only the exit code.`);
  }
  lines.push(outcomeLine(c));
  return lines.join('\n');
}
