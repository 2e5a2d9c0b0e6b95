/** The comparison as Markdown, for a PR comment or $GITHUB_STEP_SUMMARY. */
import type { Comparison } from '../results/compare/index.ts';
import { escapeMarkdown } from './escape.ts';
import { formatInterval, formatMetricValue, formatStatistic } from './compare-format.ts';

const icon = { pass: '✅ pass', regression: '❌ regression', inconclusive: '⚠️ inconclusive' } as const;

export function renderComparisonMarkdown(c: Comparison): string {
  const head = `### meshbench: ${c.outcome === 'pass' ? '✅ no regression' : '❌ regression'} in ${escapeMarkdown(c.candidate.scenarioName)}`;
  const rows = c.results.map((r) =>
    `| ${escapeMarkdown(r.mesh)} | ${escapeMarkdown(r.level)} | \`${r.gate.text}\` | ${formatMetricValue(r.gate.metric, r.baseline)} | ${formatMetricValue(r.gate.metric, r.candidate)} | ${r.interval ? formatStatistic(r, r.interval.estimate) : '–'} | ${formatInterval(r)} | ${icon[r.verdict]} |`,
  );
  const gateNotes = c.results.filter((r) => r.note).map((r) => `- ${escapeMarkdown(`${r.mesh} ${r.level}`)} \`${r.gate.text}\`: ${escapeMarkdown(r.note!)}`);
  const notes = c.differences.map((d) => `- ${d.blocking && c.forced ? '**Forced:** ' : ''}${escapeMarkdown(d.what)} differs: ${escapeMarkdown(d.baseline)} → ${escapeMarkdown(d.candidate)}`);
  return [
    head,
    '',
    `Baseline: ${escapeMarkdown(c.baseline.description)} · candidate run \`${c.candidate.runId}\` · inconclusive counts as ${c.inconclusive}`,
    '',
    '| mesh | level | gate | baseline | candidate | change | 95% interval | verdict |',
    '|---|---|---|---:|---:|---:|---|---|',
    ...rows,
    ...(gateNotes.length ? ['', ...gateNotes] : []),
    ...(notes.length ? ['', ...notes] : []),
    '',
  ].join('\n');
}
