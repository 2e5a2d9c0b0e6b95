/** Reporters are pure: a result in, files (name and text) out; the CLI writes them atomically. */
import type { CostAssumptions } from '../results/cost.ts';
import type { RunResult } from '../results/model.ts';
import type { RunSummary } from '../results/summary.ts';

export type { CostAssumptions };

export interface ReportFile {
  /** Relative to the report folder. */
  path: string;
  content: string;
}

export interface ReportOptions {
  cost: CostAssumptions;
}

export interface Reporter {
  readonly format: 'html' | 'md' | 'csv' | 'junit' | 'hlog';
  readonly description: string;
  /** `summary` is `summarizeRun(result)`, worked out once for every reporter. */
  render(result: RunResult, summary: RunSummary, options: ReportOptions): ReportFile[];
}
