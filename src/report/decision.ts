/**
 * The decision section that opens report.html and summary.md: each cross-mesh gate in plain words,
 * claimed ranges beside measurements, and what the page does not show. Plain text here; the HTML
 * and Markdown reporters only escape and lay it out.
 */
import type { GateResult } from '../results/compare/types.ts';
import type { ExpectationCheck } from '../results/decision.ts';
import type { RunResult } from '../results/model.ts';
import type { RunSummary } from '../results/summary.ts';
import { formatStatistic } from './compare-format.ts';
import { formatCores, formatMiB, formatUs } from './format.ts';

export interface DecisionLine {
  text: string;
  verdict: GateResult['verdict'];
}

export interface DecisionSection {
  gates: DecisionLine[];
  expectations: { text: string; flagged: boolean }[];
  caveats: string[];
}

const METRIC_WORDS: Record<string, string> = { p50: 'P50', p90: 'P90', p99: 'P99', rps: 'throughput', errors: 'error rate', sidecar_cpu: 'sidecar CPU', app_cpu: 'app CPU', sidecar_mem: 'sidecar memory' };

function allowed(r: GateResult): string {
  const g = r.gate;
  if (g.kind !== 'cross') return g.text;
  if (g.statistic === 'ratio') return `the ${Math.abs(g.threshold * 100).toFixed(0)} % ${g.op === '<' ? 'allowed' : 'required'}`;
  return g.threshold === 0 ? (g.op === '<' ? 'below it as required' : 'above it as required') : `the ${formatStatistic(r, g.threshold)} ${g.op === '<' ? 'allowed' : 'required'}`;
}

/** "Istio P99 is 4 % above App Mesh's (95 % interval −2 % … +9 %), within the 10 % allowed: pass". */
export function gateInWords(r: GateResult, label: (mesh: string) => string): string {
  const g = r.gate;
  const metric = METRIC_WORDS[g.metric] ?? g.metric;
  const ref = g.kind === 'cross' ? label(g.reference.mesh) : 'the baseline';
  const head = `${label(r.mesh)} ${metric} at ${r.level}`;
  if (!r.interval) return `${head}: ${r.note ?? 'not measured'}: ${r.verdict}`;
  const e = r.interval.estimate;
  const size = g.kind === 'cross' && g.statistic === 'ratio' ? `${Math.abs(e * 100).toFixed(0)} %` : formatStatistic(r, Math.abs(e)).replace(/^\+/, '');
  const side = e >= 0 ? 'above' : 'below';
  const interval = `95 % interval ${formatStatistic(r, r.interval.low)} … ${formatStatistic(r, r.interval.high)}`;
  const judged = r.verdict === 'pass' ? `within ${allowed(r)}` : r.verdict === 'regression' ? `beyond ${allowed(r)}` : `the interval reaches both sides of ${allowed(r)}`;
  const why = r.verdict === 'inconclusive' && r.note ? ` (${r.note})` : '';
  return `${head} is ${size} ${side} ${ref}'s (${interval}), ${judged}${why}: ${r.verdict}`;
}

function formatOf(unit: ExpectationCheck['unit']): (v: number) => string {
  return unit === 'us' ? formatUs : unit === 'bytes' ? formatMiB : (v) => `${formatCores(v)} cores`;
}

export function expectationInWords(c: ExpectationCheck, label: (mesh: string) => string): string {
  const f = formatOf(c.unit);
  const claim = `claimed ${f(c.claimed[0])} … ${f(c.claimed[1])}${c.source ? ` (${c.source})` : ''}`;
  const measured = c.measured === null ? 'not measured' : `measured ${f(c.measured)}${c.position === 'inside' ? ', inside the claim' : `, ${c.position} the claimed range`}`;
  return `${label(c.mesh)} ${c.what} at ${c.level}: ${claim}; ${measured}`;
}

/** What the page does not show: emulation, invalid repetitions, the machine. */
export function caveats(result: RunResult, summary: RunSummary): string[] {
  const env = result.environment;
  const emulated = summary.meshes.filter((m) => /local emulation/.test(m.label)).map((m) => m.label);
  const invalid = result.trials.flatMap((t) => (t.status === 'invalid' ? [`trial ${t.trial.index + 1} (${t.trial.mesh} ${t.trial.level.id} rep ${t.trial.repetition}): ${t.reasons.join('; ')}`] : t.status === 'failed' ? [`trial ${t.trial.index + 1} (${t.trial.mesh} ${t.trial.level.id} rep ${t.trial.repetition}) failed in ${t.stage}: ${t.error.what}`] : []));
  const out: string[] = [...env.caveats];
  if (emulated.length) out.push(`These figures are a local emulation, not the real meshes: ${emulated.join('; ')}. Read them as the cost of a sidecar data path with that mesh's defaults on this machine.`);
  if (result.source.kind === 'imported') out.push(`This result was imported from ${result.source.tool}; it lacks: ${result.source.lacks.join('; ') || 'nothing'}.`);
  out.push(invalid.length ? `Left out of every figure: ${invalid.join(' · ')}.` : 'No repetition was invalid or failed.');
  out.push(`Machine: ${env.cpuModel}, ${env.cpuCount} cores, ${(env.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${env.os} ${env.kernel}; platform ${env.platform}, layout ${env.layout}${Object.keys(env.components).length ? `; ${Object.entries(env.components).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''}.`);
  return out;
}

export function decisionSection(result: RunResult, summary: RunSummary): DecisionSection | null {
  if (summary.decisions.length === 0 && summary.expectations.length === 0 && result.environment.caveats.length === 0) return null;
  const label = (mesh: string) => mesh;
  return {
    gates: summary.decisions.map((r) => ({ text: gateInWords(r, label), verdict: r.verdict })),
    expectations: summary.expectations.map((c) => ({ text: expectationInWords(c, label), flagged: c.position !== 'inside' })),
    caveats: caveats(result, summary),
  };
}
