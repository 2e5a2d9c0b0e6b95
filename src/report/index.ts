/** The reporters, by format; `bench report` and the end of `bench run` write what they return. */
import { renderTrialsCsv } from './csv.ts';
import { DEFAULT_COST } from './cost.ts';
import { renderHlogs } from './hlog.ts';
import { renderHtml } from './html/page.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import { renderSummaryCsv } from './summary-csv.ts';
import type { Reporter, ReportFile, ReportOptions } from './types.ts';
import type { RunResult } from '../results/model.ts';

export type { ReportFile, ReportOptions, CostAssumptions } from './types.ts';
export { DEFAULT_COST };

export const reporters = {
  html: { format: 'html', description: 'report.html, self-contained, with charts', render: (r, o) => [{ path: 'report.html', content: renderHtml(r, o) }] },
  md: { format: 'md', description: 'summary.md, the verdict table for a PR comment or job summary', render: (r, o) => [{ path: 'summary.md', content: renderMarkdown(r, o) }] },
  csv: { format: 'csv', description: 'results.csv (one row per trial) and summary.csv (one row per mesh and level)', render: (r) => [{ path: 'results.csv', content: renderTrialsCsv(r) }, { path: 'summary.csv', content: renderSummaryCsv(r) }] },
  junit: { format: 'junit', description: 'junit.xml, one testcase per trial validity', render: (r) => [{ path: 'junit.xml', content: renderJunit(r) }] },
  hlog: { format: 'hlog', description: 'histograms/<mesh>-<level>.hlog, HdrHistogram interval logs', render: (r) => renderHlogs(r) },
} as const satisfies Record<string, Reporter>;

export type ReportFormat = keyof typeof reporters;
export const REPORT_FORMATS = Object.keys(reporters) as ReportFormat[];

export function renderReports(result: RunResult, formats: readonly ReportFormat[], options: ReportOptions = { cost: DEFAULT_COST }): ReportFile[] {
  return formats.flatMap((f) => reporters[f].render(result, options));
}
