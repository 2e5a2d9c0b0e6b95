/** Display of gate figures in their metric's unit, shared by the comparison reports. */
import type { GateResult } from '../results/compare/index.ts';
import { GATE_METRICS } from '../results/compare/index.ts';
import { formatBitsPerSecond, formatCores, formatMiB, formatRps, formatUs } from './format.ts';

export function formatMetricValue(metric: GateResult['gate']['metric'], value: number | null): string {
  if (value === null) return '–';
  switch (GATE_METRICS[metric].unit) {
    case 'us':
      return formatUs(value);
    case 'rps':
      return `${formatRps(value)} rps`;
    case 'bps':
      return formatBitsPerSecond(value);
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

/** A coverage as people read it: "95 %", "75 %", "96.9 %". */
export function formatLevel(level: number): string {
  const pct = level * 100;
  return `${Number.isInteger(Math.round(pct * 10) / 10) ? Math.round(pct) : pct.toFixed(1)} %`;
}

/** "[+7.8%, +44.5%] 75 %": the interval with the coverage it really has. */
export function formatInterval(r: GateResult): string {
  return r.interval ? `[${formatStatistic(r, r.interval.low)}, ${formatStatistic(r, r.interval.high)}] ${formatLevel(r.interval.level)}` : '–';
}

export const VERDICT_LABEL = { pass: 'pass', regression: 'REGRESSION', inconclusive: 'inconclusive', 'no-data': 'NO DATA' } as const;

/**
 * What the run could resolve, when that matters: "this run cannot detect a 10.0% change; it could
 * detect ±31.0%: use about 9 repetitions or more".
 */
export function resolutionInWords(r: GateResult): string | null {
  const res = r.resolution;
  if (!res || !res.coarserThanThreshold) return null;
  const g = r.gate;
  const threshold = formatStatistic(r, Math.abs(g.threshold)).replace(/^[+−]/, '');
  const more = res.suggestedRepetitions ? `: use about ${res.suggestedRepetitions} repetitions or more` : '';
  if (res.smallestFirmChange === null) return `this run cannot call any change firm at ${formatLevel(r.confidence)}${more}`;
  const smallest = formatStatistic(r, res.smallestFirmChange).replace(/^[+−]/, '');
  // A firm verdict stands however coarse the run: "cannot detect a 10% change" beside a firm +236%
  // read as a contradiction, so it only says how fine the run was.
  if (r.verdict !== 'inconclusive') return `the smallest change this run could call firm: ±${smallest}`;
  return `this run cannot detect a ${threshold} change; it could detect ±${smallest}${more}`;
}

/** The gate's answer in one line, never green when it could not tell. */
export function outcomeLine(c: { outcome: string; failed: boolean; inconclusive: 'pass' | 'fail' }): string {
  switch (c.outcome) {
    case 'pass':
      return 'Gate: pass';
    case 'regression':
      return 'Gate: REGRESSION';
    case 'no-data':
      return 'Gate: NO DATA (a side had no valid sample: fails)';
    default:
      return `Gate: INCONCLUSIVE, not a pass (exit ${c.failed ? 1 : 0}: --inconclusive ${c.inconclusive}${c.inconclusive === 'pass' ? ', the default' : ''})`;
  }
}
