/** Reporters are pure: a result in, files (name and text) out; the CLI writes them atomically. */
import type { RunResult } from '../results/model.ts';

export interface ReportFile {
  /** Relative to the report folder. */
  path: string;
  content: string;
}

export interface ReportOptions {
  cost: CostAssumptions;
}

export interface CostAssumptions {
  /** Meshed pods the estimate is for. */
  pods: number;
  usdPerVcpuHour: number;
  usdPerGibHour: number;
}

export interface Reporter {
  readonly format: 'html' | 'md' | 'csv' | 'junit' | 'hlog';
  readonly description: string;
  render(result: RunResult, options: ReportOptions): ReportFile[];
}
