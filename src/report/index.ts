/** The reporters, by format; `bench report` and the end of `bench run` write what they return. */
import { renderTrialsCsv } from './csv.ts';
import { renderHlogs } from './hlog.ts';
import { renderHtml } from './html/page.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { renderSummaryCsv } from './summary-csv.ts';
import type { Reporter, ReportFile, ReportOptions } from './types.ts';
import { DEFAULT_COST } from '../results/cost.ts';
import type { RunResult } from '../results/model.ts';
import { summarizeRun, type RunSummary } from '../results/summary.ts';

export type { ReportFile, ReportOptions, CostAssumptions } from './types.ts';
export { DEFAULT_COST };

export const reporters = {
  html: { format: 'html', description: 'report.html, self-contained, with charts', render: (r, s, o) => [{ path: 'report.html', content: renderHtml(r, s, o) }] },
  md: { format: 'md', description: 'summary.md, the verdict table for a PR comment or job summary', render: (r, s, o) => [{ path: 'summary.md', content: renderMarkdown(r, s, o) }] },
  csv: { format: 'csv', description: 'results.csv (one row per trial) and summary.csv (one row per mesh and level)', render: (r, s) => [{ path: 'results.csv', content: renderTrialsCsv(r) }, { path: 'summary.csv', content: renderSummaryCsv(s, r.environment.caveats) }] },
  junit: { format: 'junit', description: 'junit.xml, one testcase per trial validity, and one per paired "P99 added" estimate', render: (r, s) => [{ path: 'junit.xml', content: renderJunit(r, s) }] },
  hlog: { format: 'hlog', description: 'histograms/<mesh>-<level>.hlog, HdrHistogram interval logs', render: (r) => renderHlogs(r) },
} as const satisfies Record<string, Reporter>;

export type ReportFormat = keyof typeof reporters;
export const REPORT_FORMATS = Object.keys(reporters) as ReportFormat[];

/** `summary` is summarizeRun(result): pass it when the caller already worked it out. */
export function renderReports(result: RunResult, formats: readonly ReportFormat[], options: ReportOptions = { cost: DEFAULT_COST }, summary: RunSummary = summarizeRun(result)): ReportFile[] {
  return formats.flatMap((f) => reporters[f].render(result, summary, options));
}
