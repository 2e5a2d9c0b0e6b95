/** Display of gate figures in their metric's unit, shared by the comparison reports. */
import type { GateResult } from '../results/compare/index.ts';
import { GATE_METRICS } from '../results/compare/index.ts';
import { formatCores, formatMiB, formatRps, formatUs } from './format.ts';

export function formatMetricValue(metric: GateResult['gate']['metric'], value: number | null): string {
  if (value === null) return '–';
  switch (GATE_METRICS[metric].unit) {
    case 'us':
      return formatUs(value);
    case 'rps':
      return `${formatRps(value)} rps`;
    case 'cores':
      return `${formatCores(value)} cores`;
    case 'bytes':
      return formatMiB(value);
    case 'fraction':
      return `${(value * 100).toFixed(3)}%`;
  }
}

/** The gated statistic: a relative change in %, a change with its sign, or a value. */
export function formatStatistic(r: GateResult, value: number): string {
  const g = r.gate;
  if (g.kind === 'relative' || (g.kind === 'cross' && g.statistic === 'ratio')) return `${value >= 0 ? '+' : '−'}${Math.abs(value * 100).toFixed(1)}%`;
  const text = formatMetricValue(g.metric, Math.abs(value));
  return g.kind === 'change' || g.kind === 'cross' ? `${value >= 0 ? '+' : '−'}${text}` : formatMetricValue(g.metric, value);
}

export function formatInterval(r: GateResult): string {
  return r.interval ? `[${formatStatistic(r, r.interval.low)}, ${formatStatistic(r, r.interval.high)}]` : '–';
}

export const VERDICT_LABEL = { pass: 'pass', regression: 'REGRESSION', inconclusive: 'inconclusive' } as const;
