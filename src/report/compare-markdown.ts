/** The comparison as Markdown, for a PR comment or $GITHUB_STEP_SUMMARY. */
import type { Comparison } from '../results/compare/index.ts';
import { escapeMarkdown } from './escape.ts';
import { formatInterval, formatMetricValue, formatStatistic, resolutionInWords } from './compare-format.ts';

/** Never ✅ for what could not be told apart. */
export const VERDICT_ICON = { pass: '✅ pass', regression: '❌ regression', inconclusive: '⚠️ inconclusive', 'no-data': '❌ no data' } as const;
const HEADING = { pass: '✅ no regression', regression: '❌ regression', inconclusive: '⚠️ inconclusive: could not tell', 'no-data': '❌ no data' } as const;

export function renderComparisonMarkdown(c: Comparison): string {
  const head = `### meshbench: ${HEADING[c.outcome]} in ${escapeMarkdown(c.candidate.scenarioName)}`;
  const rows = c.results.map((r) =>
    `| ${escapeMarkdown(r.mesh)} | ${escapeMarkdown(r.level)} | \`${r.gate.text}\` | ${formatMetricValue(r.gate.metric, r.baseline)} | ${formatMetricValue(r.gate.metric, r.candidate)} | ${r.interval ? formatStatistic(r, r.interval.estimate) : '–'} | ${formatInterval(r)} | ${VERDICT_ICON[r.verdict]} |`,
  );
  const gateNotes = c.results.flatMap((r) => {
    const said = [r.note, resolutionInWords(r)].filter(Boolean).join('; ');
    const sources = r.gate.kind === 'cross' ? ` (${r.sources.candidate} against ${r.sources.baseline})` : '';
    return said || sources ? [`- ${escapeMarkdown(`${r.mesh} ${r.level}`)} \`${r.gate.text}\`${escapeMarkdown(sources)}: ${escapeMarkdown(said || r.verdict)}`] : [];
  });
  const notes = c.differences.map((d) => `- ${d.blocking ? '**Waived:** ' : ''}${escapeMarkdown(d.what)} differs: ${escapeMarkdown(d.baseline)} → ${escapeMarkdown(d.candidate)}`);
  const leftOut = c.baseline.leftOut.map((l) => `- left out of the baseline: ${escapeMarkdown(l)}`);
  const exit = c.outcome === 'inconclusive' ? ` · inconclusive sets exit ${c.failed ? 1 : 0} (--inconclusive ${c.inconclusive}); it is not a pass` : '';
  return [
    head,
    '',
    `Baseline: ${escapeMarkdown(c.baseline.description)} · candidate run \`${c.candidate.runId}\` · firm verdicts need a ${Math.round(c.confidence * 100)} % interval${exit}`,
    '',
    '| mesh | level | gate | baseline | candidate | change | interval, its level | verdict |',
    '|---|---|---|---:|---:|---:|---|---|',
    ...rows,
    ...(gateNotes.length ? ['', ...gateNotes] : []),
    ...(leftOut.length ? ['', ...leftOut] : []),
    ...(notes.length ? ['', ...notes] : []),
    '',
  ].join('\n');
}
