/** The sections of report.html, each a pure function of the result. */
import { mergeHistograms, decodeHistogram } from '../../results/histogram.ts';
import { meshLabel, validTrials, type RunResult, type TrialResult } from '../../results/model.ts';
import { summarizeByMeshAndLevel } from '../../results/overhead.ts';
import { estimateCost, HOURS_PER_MONTH } from '../cost.ts';
import { formatCores, formatUs } from '../format.ts';
import type { ReportOptions } from '../types.ts';
import { formatVerdictCell, verdictTables } from '../verdict.ts';
import { barChart, levelChart, percentileChart, type PercentileSeries } from './charts.ts';
import { escapeHtml } from '../escape.ts';

const e = escapeHtml;

/** Chart legends use short mesh names; this key gives each its full (emulation) label. */
function meshKey(result: RunResult): string {
  const items = result.scenario.meshes.map((m) => `<strong>${e(m)}</strong>: ${e(meshLabel(result, m))}`);
  return `<p class="muted">${items.join(' · ')}</p>`;
}

export function verdictSection(result: RunResult): string {
  const tables = verdictTables(result).filter((t) => t.meshes.length > 0);
  if (tables.length === 0) return '<p>No mesh to compare with <code>none</code> in this run.</p>';
  return tables
    .map((t) => {
      const head = `<tr><th>Metric</th>${t.meshLabels.map((l) => `<th class="num">${e(l)}</th>`).join('')}</tr>`;
      const rows = t.rows.map((r) => `<tr><td>${e(r.metric)}</td>${r.cells.map((c) => `<td class="num">${e(formatVerdictCell(r, c))}</td>`).join('')}</tr>`).join('');
      return `<h3>Level ${e(t.level.id)}: ${t.level.connections} connections, ${t.level.targetRps ? `${t.level.targetRps} rps (open loop)` : 'maximum rate (closed loop)'}</h3><table class="verdict">${head}${rows}</table>`;
    })
    .join('');
}

/** 0% .. the deepest percentile the sample count supports, on the log 1/(1-p) axis. */
function percentilePoints(h: ReturnType<typeof mergeHistograms>, maxX: number): [number, number][] {
  const points: [number, number][] = [];
  for (let x = 0; x <= maxX + 1e-9; x += 0.05) {
    const p = 100 * (1 - 10 ** -x);
    points.push([p, h.getValueAtPercentile(p)]);
  }
  return points;
}

export function distributionSection(result: RunResult): string {
  const charts = result.levels.map((level) => {
    const merged = result.scenario.meshes.flatMap((mesh) => {
      const parts = validTrials(result, mesh, level.id).map((t) => decodeHistogram(t.histograms.latencyUs));
      return parts.length ? [{ mesh, histogram: mergeHistograms(parts) }] : [];
    });
    if (merged.length === 0) return `<p>No valid trial at ${e(level.id)}.</p>`;
    // Percentiles past 1 − 1/n say nothing about n samples: the axis stops there (at most 99.999 %).
    const fewest = Math.min(...merged.map((m) => m.histogram.totalCount));
    const maxX = Math.min(5, Math.max(1, Math.floor(Math.log10(fewest) * 20) / 20));
    const series: PercentileSeries[] = merged.map((m) => ({ name: m.mesh, points: percentilePoints(m.histogram, maxX) }));
    return percentileChart(`Latency by percentile at ${level.id} (2xx, all valid repetitions merged)`, series, 100 * (1 - 10 ** -maxX));
  });
  return `<div class="charts">${charts.join('')}</div>${meshKey(result)}`;
}

export function sweepSection(result: RunResult): string {
  if (result.levels.length < 2) return '<p class="muted">This scenario has one load level; a sweep of connections or rates draws P50 and P99 against it.</p>';
  const summary = summarizeByMeshAndLevel(result);
  const categories = result.levels.map((l) => l.id);
  const series = (f: (r: (typeof summary)[number]) => number | null) =>
    result.scenario.meshes.map((mesh) => ({ name: mesh, values: result.levels.map((l) => f(summary.find((r) => r.mesh === mesh && r.level.id === l.id)!)) }));
  return `<div class="charts">${levelChart('P50 latency by load level', categories, series((r) => r.p50Us?.median ?? null), 'P50 (µs)', (v) => v.toFixed(0))}${levelChart('P99 latency by load level', categories, series((r) => r.p99Us?.median ?? null), 'P99 (µs)', (v) => v.toFixed(0))}</div>${meshKey(result)}`;
}

export function resourcesSection(result: RunResult): string {
  const summary = summarizeByMeshAndLevel(result);
  const roles = ['app', 'sidecar', 'loadgen'];
  const charts = result.levels.map((level) => {
    const rows = summary.filter((r) => r.level.id === level.id);
    const cpu = rows.map((r) => ({ name: r.mesh, values: [r.appCpuCores?.median ?? null, r.sidecarCpuCores?.median ?? null, r.loadgenCpuCores?.median ?? null] }));
    const mem = rows.map((r) => ({ name: r.mesh, values: [r.appMemoryBytes ? r.appMemoryBytes.median / 2 ** 20 : null, r.sidecarMemoryBytes ? r.sidecarMemoryBytes.median / 2 ** 20 : null] }));
    return `${barChart(`CPU by role at ${level.id} (cores, window average)`, roles, cpu, 'cores', (v) => formatCores(v))}${barChart(`Memory by role at ${level.id} (RSS)`, ['app', 'sidecar'], mem, 'MiB', (v) => v.toFixed(0))}`;
  });
  return `<div class="charts">${charts.join('')}</div>${meshKey(result)}<p class="muted">The sidecar bars are both sidecars together (the workload pod's and the load generator's); loadgen is meshbench itself.</p>`;
}

export function costSection(result: RunResult, options: ReportOptions): string {
  const a = options.cost;
  const lines = estimateCost(result, a);
  const assumptions = `${a.pods} meshed pods, $${a.usdPerVcpuHour} per vCPU-hour, $${a.usdPerGibHour} per GiB-hour, ${HOURS_PER_MONTH} hours a month (defaults: AWS Fargate on-demand list prices for us-east-1, not checked against today's price list; set your own with <code>bench report --pods --usd-per-vcpu-hour --usd-per-gib-hour</code>)`;
  if (lines.length === 0) return `<p>No sidecar was measured in a valid trial, so there is nothing to cost. Assumptions: ${assumptions}.</p>`;
  const rows = lines
    .map((l) => `<tr><td>${e(meshLabel(result, l.mesh))}</td><td>${e(l.level)}</td><td class="num">${formatCores(l.sidecarCoresPerPod)}</td><td class="num">${(l.sidecarGibPerPod * 1024).toFixed(1)} MiB</td><td class="num"><strong>$${l.usdPerMonth.toFixed(0)}</strong></td></tr>`)
    .join('');
  return `<table><tr><th>Mesh</th><th>Level</th><th class="num">Sidecar cores per pod</th><th class="num">Sidecar memory per pod</th><th class="num">Per month</th></tr>${rows}</table><p class="muted">Computed from the measurements at each load level: the median over valid repetitions of the sidecars' CPU and memory, per pod. Assumptions: ${assumptions}. A pod at another request rate costs in proportion to its CPU per 1000 rps.</p>`;
}

function trialRow(t: TrialResult): string {
  const base = `<td class="num">${t.trial.index + 1}</td><td>${e(t.status === 'aborted' ? t.trial.mesh : t.meshLabel)}</td><td>${e(t.trial.level.id)}</td><td class="num">${t.trial.repetition}</td><td><span class="badge ${t.status}">${t.status}</span></td>`;
  if (t.status === 'valid' || t.status === 'invalid') {
    return `<tr class="${t.status}">${base}<td class="num">${formatUs(t.latency.p50Us)}</td><td class="num">${formatUs(t.latency.p99Us)}</td><td class="num">${t.load.achievedRps.toFixed(1)}</td><td class="num">${t.load.responsesNon2xx + t.load.errors}</td><td>${e(t.reasons.join('; '))}</td></tr>`;
  }
  const why = t.status === 'failed' ? `failed in ${t.stage}: ${t.error.what}` : t.status === 'aborted' ? `aborted during ${t.stage}` : '';
  return `<tr class="${t.status}">${base}<td></td><td></td><td></td><td></td><td>${e(why)}</td></tr>`;
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
    ['Machine', `${env.cpuModel}, ${env.cpuCount} cores, ${(env.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${env.os} ${env.kernel}`],
    ['Node', env.node],
    ['Layout', env.layout],
    ...Object.entries(env.components).map(([name, version]): [string, string] => [name, version]),
  ];
  return `<table><tr><th class="num">#</th><th>Mesh</th><th>Level</th><th class="num">Rep</th><th>Status</th><th class="num">P50</th><th class="num">P99</th><th class="num">rps</th><th class="num">Failed</th><th>Reasons</th></tr>${result.trials.map(trialRow).join('')}</table>
<h3>Environment</h3><dl>${facts.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>
<h3>The scenario as run</h3><pre>${e(JSON.stringify(result.scenario, null, 2))}</pre>`;
}
