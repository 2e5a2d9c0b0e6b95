/**
 * report.html's sections for `load.mode: bandwidth`: bits per second at the sink by mesh and level,
 * and the trials with their byte counts. Latency is not measured there, and the page says so
 * instead of drawing empty histograms.
 */
import { trialMetric } from '../../results/metrics.ts';
import type { MeasuredTrial, RunResult, TrialResult } from '../../results/model.ts';
import type { RunSummary } from '../../results/summary.ts';
import { escapeHtml as e } from '../escape.ts';
import { formatBitsPerSecond, formatCores } from '../format.ts';
import { barChart } from './charts.ts';

export const LATENCY_NOT_MEASURED = '<p>Latency is not measured in bandwidth mode: no requests are sent, only a stream of bytes per connection. Use <code>load.mode: rate</code> or <code>max</code> with <code>workload.protocol: tcp</code> for request/response latency.</p>';

export function bandwidthSection(summary: RunSummary): string {
  const labels = summary.levels.map((l) => l.id);
  const groups = summary.meshes.map((m) => ({
    name: m.name,
    values: summary.levels.map((l) => {
      const s = summary.cells.find((c) => c.mesh === m.name && c.level.id === l.id)?.figures.throughput_bps;
      return s ? s.median / 1e9 : null;
    }),
  }));
  const chart = barChart('Bandwidth received by the TCP sink (Gbit/s, median over valid repetitions)', labels, groups, 'Gbit/s', (v) => v.toFixed(v < 10 ? 2 : 1));
  return `<div class="charts">${chart}</div><p class="muted">Goodput at the sink: the bytes it read over its own window, as iperf3's receiver line. Each connection writes 128 KiB chunks as fast as the kernel takes them; a mesh's proxies are on the path of every byte.</p>`;
}

const bps = (t: MeasuredTrial, m: 'throughput_bps' | 'sent_bps') => {
  const v = trialMetric(t, m);
  return v === null ? '–' : formatBitsPerSecond(v);
};
const perGbps = (t: MeasuredTrial) => {
  const parts = (['sidecar_cpu_per_gbps', 'node_proxy_cpu_per_gbps'] as const).flatMap((m) => {
    const v = trialMetric(t, m);
    return v === null ? [] : [`${formatCores(v)} (${m.startsWith('sidecar') ? 'sidecars' : 'ztunnel'})`];
  });
  return parts.join(', ') || '–';
};

/** The trials table's head and rows in bandwidth mode. */
export function bandwidthTrialColumns(): string {
  return '<th class="num">Received</th><th class="num">Sent</th><th class="num">Bytes received</th><th class="num">Proxy cores per Gbit/s</th><th class="num">Failed connections</th>';
}

export function bandwidthTrialCells(t: TrialResult): string | null {
  if (t.status !== 'valid' && t.status !== 'invalid') return null;
  const received = t.load.bandwidth?.receivedBytes;
  return `<td class="num">${bps(t, 'throughput_bps')}</td><td class="num">${bps(t, 'sent_bps')}</td><td class="num">${received === null || received === undefined ? '–' : received.toLocaleString('en-US')}</td><td class="num">${e(perGbps(t))}</td><td class="num">${t.load.errors}</td>`;
}

export const isBandwidthRun = (result: RunResult): boolean => result.scenario.load.mode === 'bandwidth';
