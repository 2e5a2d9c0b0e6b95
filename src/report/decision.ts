/**
 * The decision section that opens report.html and summary.md: each cross-mesh gate in plain words,
 * claimed ranges beside measurements, and what the page does not show. Plain text here; the HTML
 * and Markdown reporters only escape and lay it out.
 */
import type { GateResult } from '../results/compare/types.ts';
import type { ExpectationCheck } from '../results/decision.ts';
import { dataPlaneOf } from '../results/data-plane.ts';
import type { RunResult } from '../results/model.ts';
import type { RunSummary } from '../results/summary.ts';
import { formatLevel, formatStatistic } from './compare-format.ts';
import { formatCores, formatMiB, formatUs } from './format.ts';

export interface DecisionLine {
  text: string;
  verdict: GateResult['verdict'];
}

export interface DecisionSection {
  gates: DecisionLine[];
  /** flagged: contradicted by the measurement (red); muted: not comparable, said in grey. */
  expectations: { text: string; flagged: boolean; muted: boolean }[];
  caveats: string[];
}

const METRIC_WORDS: Record<string, string> = { p50: 'P50', p90: 'P90', p99: 'P99', rps: 'throughput', errors: 'error rate', sidecar_cpu: 'sidecar CPU', app_cpu: 'app CPU', sidecar_mem: 'sidecar memory' };

function allowed(r: GateResult): string {
  const g = r.gate;
  if (g.kind !== 'cross') return g.text;
  if (g.statistic === 'ratio') return `the ${Math.abs(g.threshold * 100).toFixed(0)} % ${g.op === '<' ? 'allowed' : 'required'}`;
  return g.threshold === 0 ? (g.op === '<' ? 'below it as required' : 'above it as required') : `the ${formatStatistic(r, g.threshold)} ${g.op === '<' ? 'allowed' : 'required'}`;
}

/**
 * "Istio P99 is 4 % above App Mesh's (96.9 % interval −2 % … +9 %), within the 10 % allowed: pass".
 * An inconclusive verdict gives its real reason: too few pairs for the level asked, or an interval
 * that reaches both sides of the margin.
 */
export function gateInWords(r: GateResult, label: (mesh: string) => string): string {
  const g = r.gate;
  const metric = METRIC_WORDS[g.metric] ?? g.metric;
  const ref = g.kind === 'cross' ? label(g.reference.mesh) : 'the baseline';
  const head = `${label(r.mesh)} ${metric} at ${r.level}`;
  if (!r.interval) return `${head}: ${r.note ?? 'not measured'}: ${r.verdict}`;
  const e = r.interval.estimate;
  const size = g.kind === 'cross' && g.statistic === 'ratio' ? `${Math.abs(e * 100).toFixed(0)} %` : formatStatistic(r, Math.abs(e)).replace(/^\+/, '');
  const side = e >= 0 ? 'above' : 'below';
  const interval = `${formatLevel(r.interval.level)} interval ${formatStatistic(r, r.interval.low)} … ${formatStatistic(r, r.interval.high)}`;
  const reason = (r.note ?? '').replace(/^inconclusive: /, '');
  const judged =
    r.verdict === 'pass' ? `within ${allowed(r)}` : r.verdict === 'regression' ? `beyond ${allowed(r)}` : reason.startsWith('the interval reaches both sides') ? `the interval reaches both sides of ${allowed(r)}` : `not firm: ${reason.split('; ')[0]}`;
  const source = g.kind === 'cross' && !r.sources.baseline.endsWith('from this run') ? `; ${r.sources.baseline}` : '';
  return `${head} is ${size} ${side} ${ref}'s (${interval}${source}), ${judged}: ${r.verdict}`;
}

function formatOf(unit: ExpectationCheck['unit']): (v: number) => string {
  return unit === 'us' ? formatUs : unit === 'bytes' ? formatMiB : (v) => `${formatCores(v)} cores`;
}

/**
 * "istio Sidecar memory per pod at c4-r1000: claimed 47.7 … 95.4 MiB (vendor); measured 17.8 MiB
 * (96.9 % interval 17.1 … 18.4 MiB, 6 reps), below the claimed range" — or why it is not judged.
 */
export function expectationInWords(c: ExpectationCheck, label: (mesh: string) => string): string {
  const f = formatOf(c.unit);
  const claim = `claimed ${f(c.claimed[0])} … ${f(c.claimed[1])}${c.source ? ` (${c.source})` : ''}`;
  if (c.measured === null) return `${label(c.mesh)} ${c.what} at ${c.level}: ${claim}; not measured`;
  const i = c.interval!;
  const range = i.n > 1 ? ` (${formatLevel(i.level)} interval ${f(i.low)} … ${f(i.high)}, ${i.n} ${c.what.endsWith('added') ? 'pairs' : 'reps'})` : ` (1 ${c.what.endsWith('added') ? 'pair' : 'rep'})`;
  const verdict = c.notComparable
    ? c.notComparable
    : c.position === null
      ? 'not judged: an interval short of the level asked (more repetitions)'
      : c.position === 'inside'
        ? 'inside the claim'
        : c.position === 'across'
          ? 'across an edge of the claim: neither confirmed nor contradicted'
          : `${c.position} the claimed range`;
  return `${label(c.mesh)} ${c.what} at ${c.level}: ${claim}; measured ${f(c.measured)}${range}, ${verdict}`;
}

/** A claim the measurement contradicts: its whole interval outside the claimed range. */
export const contradicts = (c: ExpectationCheck): boolean => c.position === 'below' || c.position === 'above';

/** What the page does not show: emulation, invalid repetitions, the machine. */
export function caveats(result: RunResult, summary: RunSummary): string[] {
  const env = result.environment;
  const emulated = summary.meshes.filter((m) => dataPlaneOf(m.label) === 'stand-in').map((m) => m.label);
  const localEnvoy = summary.meshes.filter((m) => dataPlaneOf(m.label) === 'local-envoy').map((m) => m.label);
  const invalid = result.trials.flatMap((t) => (t.status === 'invalid' ? [`trial ${t.trial.index + 1} (${t.trial.mesh} ${t.trial.level.id} rep ${t.trial.repetition}): ${t.reasons.join('; ')}`] : t.status === 'failed' ? [`trial ${t.trial.index + 1} (${t.trial.mesh} ${t.trial.level.id} rep ${t.trial.repetition}) failed in ${t.stage}: ${t.error.what}`] : []));
  const out: string[] = [...env.caveats];
  if (localEnvoy.length) out.push(`Local Envoy sidecars, not the meshes' own deployments: ${localEnvoy.join('; ')}. Envoy is the real proxy (upstream ${result.environment.components.envoy?.split('/')[1] ?? '1.40'}, without Istio's telemetry filters or App Mesh's AWS extensions), configured by meshbench with each mesh's documented defaults, not by its control plane: read the figures as the cost of that mesh's sidecar data path on this machine.`);
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
    expectations: summary.expectations.map((c) => ({ text: expectationInWords(c, label), flagged: contradicts(c), muted: c.notComparable !== null })),
    caveats: caveats(result, summary),
  };
}
