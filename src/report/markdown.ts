/** summary.md: the verdict table and key figures, for a PR comment or $GITHUB_STEP_SUMMARY. */
import { estimateCost, HOURS_PER_MONTH } from '../results/cost.ts';
import { memoryMeasure, runConditions } from '../results/conditions.ts';
import type { RunResult } from '../results/model.ts';
import type { RunSummary } from '../results/summary.ts';
import { escapeMarkdown } from './escape.ts';
import type { ReportOptions } from './types.ts';
import { decisionSection } from './decision.ts';
import { displayNames, headline } from '../results/headline.ts';
import { emulationBanner, headlineSentences } from './headline.ts';
import { overridesLine } from './overrides.ts';
import { verdictFootnote, verdictTables } from './verdict.ts';
import { renderRedlineText } from './redline-text.ts';

export function renderMarkdown(result: RunResult, summary: RunSummary, options: ReportOptions): string {
  const s = result.scenario;
  const c = runConditions(result);
  const counts = { valid: 0, invalid: 0, failed: 0, aborted: 0 };
  for (const t of result.trials) counts[t.status]++;
  const out: string[] = [
    `## meshbench: ${escapeMarkdown(s.name)}`,
    '',
    ...headlineMarkdown(result, summary),
    `Platform \`${escapeMarkdown(c.platform)}\` (layout ${escapeMarkdown(result.environment.layout)}${result.layout ? `: ${escapeMarkdown(result.layout.reason)}` : ''}), load \`${s.load.mode}\`, ${c.repetitions} repetition(s) of ${c.durationMs === null ? 'unknown length' : `${Number((c.durationMs / 1000).toFixed(1))} s`} per mesh and level; ` +
      `run \`${escapeMarkdown(result.runId)}\` (${result.status}), ${counts.valid} valid, ${counts.invalid} invalid, ${counts.failed} failed, ${counts.aborted} aborted of ${result.plannedTrials} planned trials.`,
    '',
    ...(result.overrides?.length ? [`${escapeMarkdown(overridesLine(result.overrides))}.`, ''] : []),
  ];
  const decision = decisionSection(result, summary);
  if (decision) {
    out.push('### The decision', '');
    const icon = { pass: '✅', regression: '❌', inconclusive: '⚠️', 'no-data': '❌' } as const;
    for (const g of decision.gates) out.push(`- ${icon[g.verdict]} ${escapeMarkdown(g.text.replace(/: (pass|regression|inconclusive|no-data)$/, ''))}: **${g.verdict}**`);
    if (decision.expectations.length) out.push('', '**Claimed and measured**', '', ...decision.expectations.map((x) => `- ${x.flagged ? '⚠️ ' : ''}${escapeMarkdown(x.text)}`));
    out.push('', '**What this page does not show**', '', ...decision.caveats.map((c) => `- ${escapeMarkdown(c)}`), '');
  }
  const redline = renderRedlineText(result);
  // In a fenced block nothing is markup; a backtick in a mesh's name must not close the fence.
  if (redline) out.push('### Redline', '', '```text', redline.replaceAll('`', "'"), '```', '');
  for (const table of verdictTables(summary)) {
    if (table.cells.length === 0) continue;
    out.push(`### Level \`${table.level.id}\` (${table.level.connections} connections${table.level.targetRps ? `, ${table.level.targetRps} rps` : summary.bandwidth ? ', bandwidth: as fast as each connection writes' : ', max rate'})`, '');
    out.push(`| Metric | ${table.cells.map((c) => escapeMarkdown(c.meshLabel)).join(' | ')} |`, `|---|${table.cells.map(() => '---:').join('|')}|`);
    for (const row of table.rows) out.push(`| ${row.metric} | ${row.values.map(escapeMarkdown).join(' | ')} |`);
    out.push('');
  }
  const cost = estimateCost(summary, options.cost);
  if (cost.length) {
    const a = options.cost;
    out.push(`**Estimated sidecar cost** for ${a.pods} pods at $${a.usdPerVcpuHour}/vCPU-hour and $${a.usdPerGibHour}/GiB-hour, ${HOURS_PER_MONTH} h/month:`);
    out.push(cost.map((c) => `${escapeMarkdown(c.mesh)} at \`${c.level}\`: **$${c.usdPerMonth.toFixed(0)}/month**`).join('; '), '');
  }
  out.push(`${verdictFootnote(summary)} CPU in cores, memory ${memoryMeasure(result)}; see results.csv for every trial.`, '');
  return out.join('\n');
}

function headlineMarkdown(result: RunResult, summary: RunSummary): string[] {
  const h = headline(summary, displayNames(result));
  const banner = emulationBanner(h);
  return [...headlineSentences(h).map((t) => `**${escapeMarkdown(t)}**  `), '', ...(banner ? [`> ⚠️ ${escapeMarkdown(banner)}`, ''] : [])];
}
