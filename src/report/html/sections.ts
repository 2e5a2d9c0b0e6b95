/** The sections of report.html, each a pure function of the result. */
import { estimateCost, HOURS_PER_MONTH } from '../../results/cost.ts';
import { curveDepth, percentileAtDepth, percentileCurve } from '../../results/percentile-curve.ts';
import type { RunResult, TrialResult } from '../../results/model.ts';
import { findCell, mergedLatency, type RunSummary } from '../../results/summary.ts';
import { formatCores, formatUs } from '../format.ts';
import type { ReportOptions } from '../types.ts';
import { decisionSection } from '../decision.ts';
import { verdictFootnote, verdictTables } from '../verdict.ts';
import { barChart, levelChart, percentileChart, repetitionChart, type PercentileSeries } from './charts.ts';
import { repetitionFigures } from '../../results/repetitions.ts';
import { escapeHtml } from '../escape.ts';
import { bandwidthTrialCells, bandwidthTrialColumns, isBandwidthRun } from './bandwidth.ts';

const e = escapeHtml;

/** Chart legends use short mesh names; this key gives each its full (emulation) label. */
function meshKey(summary: RunSummary): string {
  const items = summary.meshes.map((m) => `<strong>${e(m.name)}</strong>: ${e(m.label)}`);
  return `<p class="muted">${items.join(' · ')}</p>`;
}

/** The migration decision: each cross-mesh gate in words, claims beside measurements, caveats. */
export function decisionHtml(result: RunResult, summary: RunSummary): string | null {
  const d = decisionSection(result, summary);
  if (!d) return null;
  const gates = d.gates.length ? `<ul class="decision">${d.gates.map((g) => `<li class="${g.verdict}">${e(g.text.replace(/: (pass|regression|inconclusive|no-data)$/, ': '))}<strong>${g.verdict}</strong></li>`).join('')}</ul>` : '';
  const claims = d.expectations.length ? `<h3>Claimed and measured</h3><ul>${d.expectations.map((x) => `<li${x.flagged ? ' class="flagged"' : x.muted ? ' class="muted"' : ''}>${x.flagged ? '⚠ ' : ''}${e(x.text)}</li>`).join('')}</ul>` : '';
  return `${gates}${claims}<h3>What this page does not show</h3><ul>${d.caveats.map((c) => `<li>${e(c)}</li>`).join('')}</ul>`;
}

/**
 * "+236 µs (95% interval +200 … +270 µs, 3 pairs)" as the figure on its own line and the interval
 * under it, free to wrap: on one unbreakable line, four meshes' cells ran into each other.
 */
function figureCell(text: string): string {
  const open = text.indexOf(' (');
  if (open < 0 || !text.endsWith(')')) return `<span class="fig">${e(text)}</span>`;
  return `<span class="fig">${e(text.slice(0, open))}</span><span class="ci">${e(text.slice(open + 2, -1))}</span>`;
}

export function verdictSection(summary: RunSummary): string {
  const tables = verdictTables(summary).filter((t) => t.cells.length > 0);
  if (tables.length === 0) return `<p>No mesh to compare with ${summary.baselineMesh ? `<code>${e(summary.baselineMesh)}</code>` : 'a baseline'} in this run.</p>`;
  return (
    tables
      .map((t) => {
        const head = `<tr><th>Metric</th>${t.cells.map((c) => `<th class="num">${e(c.meshLabel)}</th>`).join('')}</tr>`;
        const rows = t.rows.map((r) => `<tr><td>${e(r.metric)}</td>${r.values.map((v) => `<td class="num">${figureCell(v)}</td>`).join('')}</tr>`).join('');
        return `<h3>Level ${e(t.level.id)}: ${t.level.connections} connections, ${t.level.targetRps ? `${t.level.targetRps} rps (open loop)` : summary.bandwidth ? 'bandwidth (every connection writes as fast as it can)' : 'maximum rate (closed loop)'}</h3><table class="verdict">${head}${rows}</table>`;
      })
      .join('') + `<p class="muted">${e(verdictFootnote(summary))}</p>`
  );
}

export function distributionSection(result: RunResult, summary: RunSummary): string {
  const charts = result.levels.map((level) => {
    const merged = result.scenario.meshes.flatMap((mesh) => {
      const histogram = mergedLatency(result, mesh, level.id);
      return histogram ? [{ mesh, histogram }] : [];
    });
    if (merged.length === 0) return `<p>No valid trial at ${e(level.id)}.</p>`;
    const depth = curveDepth(merged.map((m) => m.histogram.totalCount));
    const series: PercentileSeries[] = merged.map((m) => ({ name: m.mesh, points: percentileCurve(m.histogram, depth) }));
    return percentileChart(`Latency by percentile at ${level.id} (2xx, all valid repetitions merged)`, series, percentileAtDepth(depth));
  });
  return `<div class="charts">${charts.join('')}</div>${meshKey(summary)}`;
}

export function sweepSection(summary: RunSummary): string {
  if (summary.levels.length < 2) return '<p class="muted">This scenario has one load level; a sweep of connections or rates draws P50 and P99 against it.</p>';
  const categories = summary.levels.map((l) => l.id);
  const series = (metric: 'p50' | 'p99') => summary.meshes.map((m) => ({ name: m.name, values: summary.levels.map((l) => findCell(summary, m.name, l.id)?.figures[metric]?.median ?? null) }));
  return `<div class="charts">${levelChart('P50 latency by load level (median over repetitions)', categories, series('p50'), 'P50')}${levelChart('P99 latency by load level (median over repetitions)', categories, series('p99'), 'P99')}</div>${meshKey(summary)}`;
}

export function repetitionSection(result: RunResult, summary: RunSummary): string {
  if (result.scenario.repetitions < 2) return '<p class="muted">One repetition: nothing to draw across repetitions.</p>';
  const charts = summary.levels.map((level) => {
    const series = repetitionFigures(result, level.id).map((f) => ({ name: f.mesh, p50Us: f.p50Us, p99Us: f.p99Us }));
    return repetitionChart(`P50 and P99 of each repetition at ${level.id}`, result.scenario.repetitions, series);
  });
  return `<div class="charts">${charts.join('')}</div><p class="muted">Repetitions run interleaved across meshes, so a line that climbs for every mesh is drift on the machine, and one point off its line is that trial alone. Gaps are repetitions that were invalid or failed.</p>`;
}

export function resourcesSection(summary: RunSummary, memory: string): string {
  const roles = ['app', 'sidecar', 'node-proxy', 'loadgen'];
  const mib = (v: number | undefined) => (v === undefined ? null : v / 2 ** 20);
  const charts = summary.levels.map((level) => {
    const cells = summary.cells.filter((c) => c.level.id === level.id);
    const cpu = cells.map((c) => ({ name: c.mesh, values: [c.figures.app_cpu, c.figures.sidecar_cpu, c.figures.node_proxy_cpu, c.figures.loadgen_cpu].map((s) => s?.median ?? null) }));
    const mem = cells.map((c) => ({ name: c.mesh, values: [c.figures.app_mem, c.figures.sidecar_mem, c.figures.node_proxy_mem].map((s) => mib(s?.median)) }));
    return `${barChart(`CPU by role at ${level.id} (cores, window average)`, roles, cpu, 'cores', (v) => (v === 0 ? '0' : formatCores(v)))}${barChart(`Memory by role at ${level.id} (${memory})`, ['app', 'sidecar', 'node-proxy'], mem, 'MiB', (v) => v.toFixed(0))}`;
  });
  return `<div class="charts">${charts.join('')}</div>${meshKey(summary)}<p class="muted">The sidecar bars are both sidecars together (the workload pod's and the load generator's); node-proxy is charged per node; loadgen is meshbench itself.</p>`;
}

export function costSection(summary: RunSummary, options: ReportOptions): string {
  const a = options.cost;
  const lines = estimateCost(summary, a);
  const assumptions = `${a.pods} meshed pods, $${a.usdPerVcpuHour} per vCPU-hour, $${a.usdPerGibHour} per GiB-hour, ${HOURS_PER_MONTH} hours a month (defaults: AWS Fargate on-demand list prices for us-east-1, not checked against today's price list; set your own with <code>bench report --pods --usd-per-vcpu-hour --usd-per-gib-hour</code>)`;
  if (lines.length === 0) return `<p>No sidecar was measured in a valid trial, so there is nothing to cost. Assumptions: ${assumptions}.</p>`;
  const rows = lines
    .map((l) => `<tr><td>${e(summary.meshes.find((m) => m.name === l.mesh)?.label ?? l.mesh)}</td><td>${e(l.level)}</td><td class="num">${formatCores(l.sidecarCoresPerPod)}</td><td class="num">${(l.sidecarGibPerPod * 1024).toFixed(1)} MiB</td><td class="num"><strong>$${l.usdPerMonth.toFixed(0)}</strong></td></tr>`)
    .join('');
  return `<table><tr><th>Mesh</th><th>Level</th><th class="num">Sidecar cores per pod</th><th class="num">Sidecar memory per pod</th><th class="num">Per month</th></tr>${rows}</table><p class="muted">Computed from the measurements at each load level: the median over valid repetitions of the sidecars' CPU and memory, per pod. Assumptions: ${assumptions}. A pod at another request rate costs in proportion to its CPU per 1000 rps.</p>`;
}

function trialRow(t: TrialResult, bandwidth: boolean): string {
  const base = `<td class="num">${t.trial.index + 1}</td><td>${e(t.status === 'aborted' ? t.trial.mesh : t.meshLabel)}</td><td>${e(t.trial.level.id)}</td><td class="num">${t.trial.repetition}</td><td><span class="badge ${t.status}">${t.status}</span></td>`;
  const bandwidthCells = bandwidth ? bandwidthTrialCells(t) : null;
  if (bandwidthCells !== null && (t.status === 'valid' || t.status === 'invalid')) return `<tr class="${t.status}">${base}${bandwidthCells}<td>${e(t.reasons.join('; '))}</td></tr>`;
  if (t.status === 'valid' || t.status === 'invalid') {
    return `<tr class="${t.status}">${base}<td class="num">${formatUs(t.latency.p50Us)}</td><td class="num">${(t.latency.p99Us === null ? '–' : formatUs(t.latency.p99Us))}</td><td class="num">${(t.allAttemptsLatency.p99Us === null ? '–' : formatUs(t.allAttemptsLatency.p99Us))}</td><td class="num">${t.load.achievedRps.toFixed(1)}</td><td class="num">${t.load.responsesNon2xx + t.load.errors}</td><td>${e(t.reasons.join('; '))}</td></tr>`;
  }
  const why = t.status === 'failed' ? `failed in ${t.stage}: ${t.error.what}` : t.status === 'aborted' ? `aborted during ${t.stage}` : '';
  return `<tr class="${t.status}">${base}<td></td><td></td><td></td><td></td><td></td><td>${e(why)}</td></tr>`;
}

export function trialsSection(result: RunResult): string {
  const env = result.environment;
  const facts: [string, string][] = [
    ['Run', `${result.runId} (${result.status})`],
    ['Started', result.startedAt],
    ['Finished', result.finishedAt ?? '(not finished)'],
    ['Scenario file', result.scenarioFile],
    ['Scenario hash', result.scenarioHash],
    ['meshbench', result.meshbenchVersion],
    ['Platform', env.platform],
    ['Source', result.source.kind === 'imported' ? `imported from ${result.source.tool} (${result.source.files.join(', ')}); lacks: ${result.source.lacks.join('; ') || 'nothing'}` : 'measured by meshbench'],
    ['Machine', `${env.cpuModel}, ${env.cpuCount} cores, ${(env.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${env.os} ${env.kernel}`],
    ['Node', env.node],
    ['Layout', result.layout ? `${env.layout}: ${result.layout.reason}` : env.layout],
    ['Load engine', [...new Set(result.trials.flatMap((t) => (t.status === 'valid' || t.status === 'invalid' ? [t.load.engine] : [])))].join('; ') || '(no trial measured)'],
    ...Object.entries(env.components).map(([name, version]): [string, string] => [name, version]),
  ];
  const bandwidth = isBandwidthRun(result);
  const figures = bandwidth ? bandwidthTrialColumns() : '<th class="num">P50</th><th class="num">P99</th><th class="num">P99 all attempts</th><th class="num">rps (2xx)</th><th class="num">Failed</th>';
  return `<table><tr><th class="num">#</th><th>Mesh</th><th>Level</th><th class="num">Rep</th><th>Status</th>${figures}<th>Reasons</th></tr>${result.trials.map((t) => trialRow(t, bandwidth)).join('')}</table>
<h3>Environment</h3><dl>${facts.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>
<h3>The scenario as run</h3><pre>${e(JSON.stringify(result.scenario, null, 2))}</pre>`;
}
