/**
 * One trend chart: a run per x position, a line per mesh with its intervals as bars, change points
 * as dashed verticals, environment changes as triangles on top, gate outcomes as marks below.
 * Pure SVG, no script: classes and data- attributes let a test (or a browser check) find each part.
 */
import type { ChangePoint, HistoryRun, HistorySeries } from '../../results/history/index.ts';
import { escapeHtml } from '../escape.ts';
import { MESH_COLOURS } from '../html/charts.ts';

const W = 960;
const H = 300;
const M = { left: 72, right: 16, top: 22, bottom: 58 };
const plotW = W - M.left - M.right;
const plotH = H - M.top - M.bottom;
const FALLBACK = ['#2a9d8f', '#8e44ad', '#c0392b', '#6d8f00'];
export const GATE_COLOURS: Record<string, string> = { pass: '#1a7f37', regression: '#b42318', inconclusive: '#8c959f', 'no-data': '#b42318', accepted: '#2f6fbf' };

export const meshColour = (mesh: string, i: number) => MESH_COLOURS[mesh] ?? FALLBACK[i % FALLBACK.length]!;

/** Four equal steps of a round size (1, 2, 2.5, 5 × 10^k) that cover [lo, hi]. */
function niceRange(lo: number, hi: number): [number, number] {
  if (!(hi > lo)) return [lo - 1, hi + 1];
  const raw = (hi - lo) / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10, 20]) {
    const step = m * mag;
    const from = Math.floor(lo / step) * step;
    if (from + 4 * step >= hi) return [from, from + 4 * step];
  }
  return [lo, hi];
}

export interface TrendChartInput {
  title: string;
  runs: readonly HistoryRun[];
  /** One per mesh, same metric and level. */
  series: readonly HistorySeries[];
  changePoints: readonly ChangePoint[];
  format: (v: number) => string;
}

export function trendChart(c: TrendChartInput): string {
  const n = c.runs.length;
  const points = c.series.flatMap((s) => s.points.filter((p) => p !== null));
  const [y0, y1] = niceRange(Math.min(0, ...points.map((p) => p.low)), Math.max(...points.map((p) => p.high)));
  const px = (i: number) => M.left + (n > 1 ? (i / (n - 1)) * plotW : plotW / 2);
  const py = (v: number) => M.top + plotH * (1 - (v - y0) / (y1 - y0));
  const f = (v: number) => v.toFixed(1);
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((t) => {
      const v = y0 + t * (y1 - y0);
      return `<line x1="${M.left}" x2="${M.left + plotW}" y1="${f(py(v))}" y2="${f(py(v))}" class="grid"/><text x="${M.left - 6}" y="${f(py(v) + 4)}" text-anchor="end">${escapeHtml(c.format(v))}</text>`;
    })
    .join('');
  const tickEvery = Math.max(1, Math.ceil(n / 8));
  // Nightly runs are told apart by their date; runs of one or two days by their time as well.
  const spanMs = n ? new Date(c.runs[n - 1]!.startedAt).getTime() - new Date(c.runs[0]!.startedAt).getTime() : 0;
  const tick = (iso: string) => (spanMs < 2 * 86_400_000 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(5, 10));
  const xTicks = c.runs
    .map((r, i) => (i % tickEvery === 0 || (i === n - 1 && i % tickEvery >= tickEvery * 0.75) ? `<text x="${f(px(i))}" y="${M.top + plotH + 14}" text-anchor="middle">${escapeHtml(tick(r.startedAt))}</text>` : ''))
    .join('');
  const env = c.runs
    .map((r, i) => (r.changes.length ? `<path class="env-change" data-run="${escapeHtml(r.runId)}" d="M${f(px(i) - 5)},${M.top - 12}h10l-5,8z" fill="#d9730d"><title>${escapeHtml(`${r.startedAt.slice(0, 10)} ${r.runId}: ${r.changes.map((d) => `${d.what} ${d.baseline} → ${d.candidate}`).join('; ')}`)}</title></path>` : ''))
    .join('');
  const gates = c.runs
    .map((r, i) => (r.gate ? `<rect class="gate gate-${escapeHtml(r.gate.mark)}" x="${f(px(i) - 3)}" y="${M.top + plotH + 20}" width="6" height="6" fill="${GATE_COLOURS[r.gate.mark] ?? '#000'}"><title>${escapeHtml(`${r.startedAt.slice(0, 10)} ${r.runId}: ${r.gate.detail}`)}</title></rect>` : ''))
    .join('');
  const lines = c.series
    .map((s, k) => {
      const colour = meshColour(s.mesh, k);
      const at = s.points.flatMap((p, i) => (p ? [[i, p] as const] : []));
      const d = at.map(([i, p], j) => `${j ? 'L' : 'M'}${f(px(i))},${f(py(p.value))}`).join('');
      const bars = at.filter(([, p]) => p.high > p.low).map(([i, p]) => `M${f(px(i))},${f(py(p.low))}V${f(py(p.high))}`).join('');
      // Dots with tooltips only while they stay readable; a year of nights is read from the line and the CSV.
      const dots = at.length <= 90 ? at.map(([i, p]) => `<circle cx="${f(px(i))}" cy="${f(py(p.value))}" r="3" fill="${colour}"><title>${escapeHtml(`${s.mesh} ${c.runs[i]!.startedAt.slice(0, 10)} ${c.runs[i]!.runId}: ${c.format(p.value)} [${c.format(p.low)}, ${c.format(p.high)}] n=${p.n}`)}</title></circle>`).join('') : '';
      const cps = c.changePoints
        .filter((cp) => cp.seriesKey === s.key)
        .map((cp) => {
          const x = f((px(cp.runIndex - 1 < 0 ? 0 : cp.runIndex - 1) + px(cp.runIndex)) / 2);
          return `<line class="change-point" data-series="${escapeHtml(s.key)}" data-run="${escapeHtml(cp.runIdAfter)}" x1="${x}" x2="${x}" y1="${M.top}" y2="${M.top + plotH}" stroke="${colour}" stroke-width="2" stroke-dasharray="6 4"><title>${escapeHtml(`${s.mesh}: change point before ${cp.runIdAfter} (${cp.at.slice(0, 10)}), step ${c.format(cp.step.estimate)}`)}</title></line>`;
        })
        .join('');
      return `<g class="series" data-mesh="${escapeHtml(s.mesh)}" data-points="${at.length}"><path d="${bars}" stroke="${colour}" stroke-opacity="0.45" stroke-width="3"/><path d="${d}" fill="none" stroke="${colour}" stroke-width="1.6"/>${dots}${cps}</g>`;
    })
    .join('');
  const legend = c.series.map((s, k) => `<g transform="translate(${M.left + k * 160},${H - 8})"><rect width="12" height="4" y="-6" fill="${meshColour(s.mesh, k)}"/><text x="16" y="-2">${escapeHtml(s.mesh)}</text></g>`).join('');
  return `<svg class="chart trend" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(c.title)}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(c.title)}</title>${grid}${xTicks}${env}${gates}${lines}${legend}</svg>`;
}
