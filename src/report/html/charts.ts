/**
 * SVG charts rendered at report time: the page needs no script and no network. Each chart marks
 * its data series with class "series" and data-points, so a test can see that data was drawn. The
 * legend is HTML under the chart, so it wraps instead of running off the SVG with five meshes, and
 * lists only what was drawn.
 */
import { escapeHtml } from '../escape.ts';
import { linearAxis, logLatencyAxis, type Axis } from './axes.ts';

export const MESH_COLOURS: Record<string, string> = { none: '#4d4d4d', istio: '#2f6fbf', appmesh: '#d9730d', 'istio-ambient': '#2a9d8f', linkerd: '#8e44ad' };
// Past the built-in meshes (custom meshes, the overlay's run · mesh curves): eight more that stay apart.
const MORE_COLOURS = ['#c0392b', '#1b9e77', '#7570b3', '#e7298a', '#66a61e', '#b8860b', '#17becf', '#8c564b'];
const colour = (name: string, i: number) => MESH_COLOURS[name] ?? MORE_COLOURS[i % MORE_COLOURS.length]!;

// Text is 14 units of a 640-unit-wide chart; the page never draws a chart narrower than 520 px
// (style.ts), so a label is never under 11.4 px on screen.
const W = 640;
const H = 320;
const M = { left: 90, right: 16, top: 16, bottom: 52 };
const plotW = W - M.left - M.right;
const plotH = H - M.top - M.bottom;

interface LegendItem {
  name: string;
  colour: string;
  dashed?: boolean;
}

function frame(title: string, body: string, legend: readonly LegendItem[]): string {
  const items = legend
    .map((l) => `<span class="key"><span class="swatch${l.dashed ? ' dashed' : ''}" style="border-color:${l.colour}"></span>${escapeHtml(l.name)}</span>`)
    .join('');
  return `<figure class="chart"><figcaption>${escapeHtml(title)}</figcaption><svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title>${body}</svg><div class="legend">${items}</div></figure>`;
}

const py = (axis: Axis, v: number) => M.top + plotH * (1 - axis.at(v));

function yAxis(axis: Axis, label: string): string {
  const ticks = axis.ticks.map((t) => {
    const y = py(axis, t.value);
    return `<line x1="${M.left}" x2="${M.left + plotW}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" class="grid"/><text x="${M.left - 6}" y="${(y + 5).toFixed(1)}" text-anchor="end">${escapeHtml(t.label)}</text>`;
  });
  return `${ticks.join('')}<text transform="translate(16,${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(label)}</text>`;
}

function xLabel(label: string): string {
  return `<text x="${M.left + plotW / 2}" y="${H - 8}" text-anchor="middle">${escapeHtml(label)}</text>`;
}

function path(points: readonly (readonly [number, number])[], stroke: string, name: string, dashed = false): string {
  const d = points.map(([x, y], k) => `${k ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join('');
  const dots = points.map(([x, y]) => `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${stroke}"/>`).join('');
  return `<path class="series" data-points="${points.length}" d="${d}" fill="none" stroke="${stroke}" stroke-width="2"${dashed ? ' stroke-dasharray="6 4"' : ''}><title>${escapeHtml(name)}</title></path>${points.length < 30 ? dots : ''}`;
}

export interface PercentileSeries {
  name: string;
  /** [percentile 0..100, latency µs] points, percentile ascending. */
  points: [number, number][];
}

/** HdrHistogram's percentile plot: percentile on a log 1/(1−p) axis, latency on a log axis. */
export function percentileChart(title: string, series: readonly PercentileSeries[], maxPercentile: number): string {
  const toX = (p: number) => Math.log10(1 / (1 - Math.min(p, maxPercentile) / 100));
  const xMax = toX(maxPercentile);
  const px = (p: number) => M.left + (toX(p) / xMax) * plotW;
  const drawn = series.filter((s) => s.points.length > 0);
  const axis = logLatencyAxis(drawn.flatMap((s) => s.points.map(([, us]) => us)));
  const xTicks = [0, 90, 99, 99.9, 99.99, 99.999]
    .filter((p) => p <= maxPercentile + 1e-9)
    .map((p) => `<line x1="${px(p)}" x2="${px(p)}" y1="${M.top}" y2="${M.top + plotH}" class="grid"/><text x="${px(p)}" y="${M.top + plotH + 18}" text-anchor="middle">${p}%</text>`)
    .join('');
  const lines = drawn.map((s) => path(s.points.map(([p, us]) => [px(p), py(axis, us)] as const), colour(s.name, series.indexOf(s)), s.name)).join('');
  return frame(title, `${yAxis(axis, 'latency')}${xTicks}${xLabel('percentile (log scale of 1/(1−p))')}${lines}`, drawn.map((s) => ({ name: s.name, colour: colour(s.name, series.indexOf(s)) })));
}

export interface LineSeries {
  name: string;
  /** Latency in µs per category; null where there is none. */
  values: (number | null)[];
}

const xAt = (i: number, n: number) => M.left + (n > 1 ? (i * plotW) / (n - 1) : plotW / 2);

/** Latency per category (load levels) as lines, one per mesh, on a log latency axis. */
export function levelChart(title: string, categories: readonly string[], series: readonly LineSeries[], yLabel: string): string {
  const drawn = series.filter((s) => s.values.some((v) => v !== null));
  const axis = logLatencyAxis(drawn.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const xTicks = categories.map((c, i) => `<text x="${xAt(i, categories.length)}" y="${M.top + plotH + 18}" text-anchor="middle">${escapeHtml(c)}</text>`).join('');
  const lines = drawn
    .map((s) => path(s.values.flatMap((v, k) => (v === null ? [] : [[xAt(k, categories.length), py(axis, v)] as const])), colour(s.name, series.indexOf(s)), s.name))
    .join('');
  return frame(title, `${yAxis(axis, yLabel)}${xTicks}${lines}`, drawn.map((s) => ({ name: s.name, colour: colour(s.name, series.indexOf(s)) })));
}

export interface RepetitionSeries {
  name: string;
  /** Per repetition (index 0 is repetition 1): the trial's P50 and P99 in µs; null when it was not valid. */
  p50Us: (number | null)[];
  p99Us: (number | null)[];
}

/** Each repetition's P50 (solid) and P99 (dashed) per mesh: drift and outliers at a glance. */
export function repetitionChart(title: string, repetitions: number, series: readonly RepetitionSeries[]): string {
  const drawn = series.filter((s) => [...s.p50Us, ...s.p99Us].some((v) => v !== null));
  const axis = logLatencyAxis(drawn.flatMap((s) => [...s.p50Us, ...s.p99Us].filter((v): v is number => v !== null)));
  const xTicks = Array.from({ length: repetitions }, (_, i) => `<text x="${xAt(i, repetitions)}" y="${M.top + plotH + 18}" text-anchor="middle">${i + 1}</text>`).join('');
  const line = (values: (number | null)[], c: string, name: string, dashed: boolean) =>
    path(values.flatMap((v, k) => (v === null ? [] : [[xAt(k, repetitions), py(axis, v)] as const])), c, name, dashed);
  const lines = drawn.map((s) => {
    const c = colour(s.name, series.indexOf(s));
    return line(s.p50Us, c, `${s.name} P50`, false) + line(s.p99Us, c, `${s.name} P99`, true);
  });
  const legend: LegendItem[] = [...drawn.map((s) => ({ name: s.name, colour: colour(s.name, series.indexOf(s)) })), { name: 'P50', colour: '#59636e' }, { name: 'P99', colour: '#59636e', dashed: true }];
  return frame(title, `${yAxis(axis, 'latency')}${xTicks}${xLabel('repetition (in the order run)')}${lines.join('')}`, legend);
}

export interface BarGroup {
  name: string;
  /** One value per bar label. */
  values: (number | null)[];
}

/** Grouped bars: one group per mesh, one bar per role that has a value in some group. */
export function barChart(title: string, barLabels: readonly string[], groups: readonly BarGroup[], yLabel: string, format: (v: number) => string): string {
  const kept = barLabels.map((_, i) => i).filter((i) => groups.some((g) => g.values[i] !== null && g.values[i] !== undefined));
  const axis = linearAxis(groups.flatMap((g) => kept.map((i) => g.values[i] ?? 0)), format);
  const groupW = plotW / Math.max(1, groups.length);
  const barW = (groupW * 0.8) / Math.max(1, kept.length);
  const shades = ['#7fa7d9', '#2f6fbf', '#9b9b9b', '#e0a458'];
  let drawn = 0;
  const bars = groups
    .map((g, gi) => {
      const x0 = M.left + gi * groupW + groupW * 0.1;
      const rects = kept
        .map((bi, k) => {
          const v = g.values[bi];
          if (v === null || v === undefined) return '';
          drawn++;
          const h = axis.at(v) * plotH;
          return `<rect x="${(x0 + k * barW).toFixed(1)}" y="${(M.top + plotH - h).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${shades[bi % shades.length]}"><title>${escapeHtml(`${g.name} ${barLabels[bi]}: ${format(v)}`)}</title></rect>`;
        })
        .join('');
      return `${rects}<text x="${(x0 + groupW * 0.4).toFixed(1)}" y="${M.top + plotH + 18}" text-anchor="middle">${escapeHtml(g.name)}</text>`;
    })
    .join('');
  const body = `${yAxis(axis, yLabel)}<g class="series" data-points="${drawn}">${bars}</g>`;
  return frame(title, body, kept.map((i) => ({ name: barLabels[i]!, colour: shades[i % shades.length]! })));
}
