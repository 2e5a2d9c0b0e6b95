/**
 * SVG charts rendered at report time: the page needs no script and no network. Each chart marks
 * its data series with class "series" and data-points, so a test can see that data was drawn.
 */
import { escapeHtml } from '../escape.ts';

export const MESH_COLOURS: Record<string, string> = { none: '#4d4d4d', istio: '#2f6fbf', appmesh: '#d9730d' };
const colour = (name: string, i: number) => MESH_COLOURS[name] ?? ['#2a9d8f', '#8e44ad', '#c0392b'][i % 3]!;

const W = 640;
const H = 300;
const M = { left: 64, right: 16, top: 16, bottom: 44 };
const plotW = W - M.left - M.right;
const plotH = H - M.top - M.bottom;

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= v) return m * step;
  return 10 * step;
}

function frame(title: string, body: string, legend: { name: string; colour: string }[]): string {
  const items = legend
    .map((l, i) => `<g transform="translate(${M.left + i * 150},${H - 8})"><rect width="12" height="4" y="-6" fill="${l.colour}"/><text x="16" y="-2">${escapeHtml(l.name)}</text></g>`)
    .join('');
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title>${body}${items}</svg>`;
}

function yAxis(maxY: number, label: string, format: (v: number) => string): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = M.top + plotH * (1 - f);
    return `<line x1="${M.left}" x2="${M.left + plotW}" y1="${y}" y2="${y}" class="grid"/><text x="${M.left - 6}" y="${y + 4}" text-anchor="end">${format(maxY * f)}</text>`;
  });
  return `${ticks.join('')}<text transform="translate(14,${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(label)}</text>`;
}

export interface PercentileSeries {
  name: string;
  /** [percentile 0..100, latency µs] points, percentile ascending. */
  points: [number, number][];
}

/** HdrHistogram-style percentile plot: percentile on a log 1/(1−p) axis, latency in ms on y. */
export function percentileChart(title: string, series: readonly PercentileSeries[], maxPercentile: number): string {
  const toX = (p: number) => Math.log10(1 / (1 - Math.min(p, maxPercentile) / 100));
  const xMax = toX(maxPercentile);
  const maxY = niceMax(Math.max(...series.flatMap((s) => s.points.map(([, v]) => v / 1000)), 0.001));
  const px = (p: number) => M.left + (toX(p) / xMax) * plotW;
  const py = (ms: number) => M.top + plotH * (1 - ms / maxY);
  const xTicks = [0, 90, 99, 99.9, 99.99, 99.999]
    .filter((p) => p <= maxPercentile + 1e-9)
    .map((p) => `<line x1="${px(p)}" x2="${px(p)}" y1="${M.top}" y2="${M.top + plotH}" class="grid"/><text x="${px(p)}" y="${M.top + plotH + 16}" text-anchor="middle">${p}%</text>`)
    .join('');
  const lines = series
    .map((s, i) => {
      const d = s.points.map(([p, us], k) => `${k ? 'L' : 'M'}${px(p).toFixed(1)},${py(us / 1000).toFixed(1)}`).join('');
      return `<path class="series" data-points="${s.points.length}" d="${d}" fill="none" stroke="${colour(s.name, i)}" stroke-width="2"><title>${escapeHtml(s.name)}</title></path>`;
    })
    .join('');
  const body = `${yAxis(maxY, 'latency (ms)', (v) => v.toFixed(maxY < 1 ? 2 : 1))}${xTicks}<text x="${M.left + plotW / 2}" y="${H - 22}" text-anchor="middle">percentile</text>${lines}`;
  return frame(title, body, series.map((s, i) => ({ name: s.name, colour: colour(s.name, i) })));
}

export interface LineSeries {
  name: string;
  values: (number | null)[];
}

/** Values per category (load levels) as lines, one per mesh. */
export function levelChart(title: string, categories: readonly string[], series: readonly LineSeries[], yLabel: string, format: (v: number) => string): string {
  const maxY = niceMax(Math.max(...series.flatMap((s) => s.values.filter((v): v is number => v !== null)), 0));
  const step = categories.length > 1 ? plotW / (categories.length - 1) : 0;
  const px = (i: number) => M.left + (categories.length > 1 ? i * step : plotW / 2);
  const py = (v: number) => M.top + plotH * (1 - v / maxY);
  const xTicks = categories.map((c, i) => `<text x="${px(i)}" y="${M.top + plotH + 16}" text-anchor="middle">${escapeHtml(c)}</text>`).join('');
  const lines = series
    .map((s, i) => {
      const pts = s.values.flatMap((v, k) => (v === null ? [] : [[px(k), py(v)] as const]));
      const d = pts.map(([x, y], k) => `${k ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join('');
      const dots = pts.map(([x, y]) => `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${colour(s.name, i)}"/>`).join('');
      return `<path class="series" data-points="${pts.length}" d="${d}" fill="none" stroke="${colour(s.name, i)}" stroke-width="2"><title>${escapeHtml(s.name)}</title></path>${dots}`;
    })
    .join('');
  return frame(title, `${yAxis(maxY, yLabel, format)}${xTicks}${lines}`, series.map((s, i) => ({ name: s.name, colour: colour(s.name, i) })));
}

export interface BarGroup {
  name: string;
  /** One value per bar label. */
  values: (number | null)[];
}

/** Grouped bars: one group per mesh, one bar per role. */
export function barChart(title: string, barLabels: readonly string[], groups: readonly BarGroup[], yLabel: string, format: (v: number) => string): string {
  const maxY = niceMax(Math.max(...groups.flatMap((g) => g.values.filter((v): v is number => v !== null)), 0));
  const groupW = plotW / Math.max(1, groups.length);
  const barW = (groupW * 0.8) / Math.max(1, barLabels.length);
  const shades = ['#7fa7d9', '#2f6fbf', '#9b9b9b'];
  let drawn = 0;
  const bars = groups
    .map((g, gi) => {
      const x0 = M.left + gi * groupW + groupW * 0.1;
      const rects = g.values
        .map((v, bi) => {
          if (v === null) return '';
          drawn++;
          const h = (v / maxY) * plotH;
          return `<rect x="${(x0 + bi * barW).toFixed(1)}" y="${(M.top + plotH - h).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${shades[bi % shades.length]}"><title>${escapeHtml(`${g.name} ${barLabels[bi]}: ${format(v)}`)}</title></rect>`;
        })
        .join('');
      return `${rects}<text x="${(x0 + groupW * 0.4).toFixed(1)}" y="${M.top + plotH + 16}" text-anchor="middle">${escapeHtml(g.name)}</text>`;
    })
    .join('');
  const body = `${yAxis(maxY, yLabel, format)}<g class="series" data-points="${drawn}">${bars}</g>`;
  return frame(title, body, barLabels.map((l, i) => ({ name: l, colour: shades[i % shades.length]! })));
}
