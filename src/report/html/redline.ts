/**
 * The redline section of report.html: the capacity table and, per mesh, P99 against the rate of
 * every search step with the objective's line and the redline marked. Every figure comes from
 * results/redline.ts; this file only lays them out (inline SVG, like charts.ts).
 */
import { meshRedlines, redlineSearches, type MeshRedline, type RedlineSearch } from '../../results/redline.ts';
import { meshLabel, type RunResult } from '../../results/model.ts';
import { escapeHtml } from '../escape.ts';
import { formatRps } from '../format.ts';
import { MESH_COLOURS } from './charts.ts';

const e = escapeHtml;
const W = 640;
const H = 280;
const M = { left: 64, right: 16, top: 16, bottom: 44 };
const plotW = W - M.left - M.right;
const plotH = H - M.top - M.bottom;

const level = (l: number) => `${Math.round(l * 100)} %`;

export function redlineCell(r: MeshRedline): string {
  if (r.loaderLimitedAtRps !== null) return `<span class="invalid">limited by the load generator at ${formatRps(r.loaderLimitedAtRps)} rps</span>`;
  if (!r.redlineRps) return '–';
  const i = r.redlineRps;
  const range = i.low === i.high ? '' : ` <span class="muted">[${formatRps(i.low)}, ${formatRps(i.high)}] at ${level(i.level)}</span>`;
  return `${r.atLeast ? '≥ ' : ''}<strong>${formatRps(i.estimate)}</strong> rps${range}`;
}

export function lostCell(r: MeshRedline): string {
  const l = r.capacityLost;
  if (!l) return r.mesh === 'none' ? 'baseline' : '–';
  const p = (f: number) => `${(f * 100).toFixed(1)} %`;
  return `${p(l.estimate)} <span class="muted">[${p(l.low)}, ${p(l.high)}] at ${level(l.level)}</span>`;
}

const cores = (v: number | null) => (v === null ? '–' : v.toFixed(3));

function capacityTable(result: RunResult, redlines: readonly MeshRedline[]): string {
  const rows = redlines
    .map(
      (r) =>
        `<tr data-mesh="${e(r.mesh)}"><td>${e(meshLabel(result, r.mesh))}</td><td>${redlineCell(r)}</td><td>${lostCell(r)}</td><td>${cores(r.sidecarCoresPerKrps)}</td><td>${cores(r.nodeProxyCoresPerKrps)}</td><td>${r.searchRedlinesRps.map((v) => (v === null ? '–' : formatRps(v))).join(', ')}</td><td>${e(r.stopped)}</td></tr>`,
    )
    .join('');
  return `<table class="redline"><thead><tr><th>mesh</th><th>redline</th><th>capacity lost to the mesh</th><th>sidecar cores per 1000 rps</th><th>node-proxy cores per 1000 rps</th><th>each search</th><th>why the search stopped</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** P99 against rate for one mesh: each step a dot (filled: held; hollow: broke), off-scale ones at the top. */
function rateChart(mesh: string, searches: readonly RedlineSearch[], r: MeshRedline, objectiveUs: number, maxRps: number): string {
  const points = searches.flatMap((s) => s.points.filter((p) => p.p99Us !== null));
  const maxMs = (objectiveUs / 1000) * 3;
  // The probed rates, not the search's max, set the scale: a redline far under max stays readable.
  const xMax = Math.min(maxRps, Math.max(1, ...points.map((p) => p.rateRps))) * 1.1;
  const px = (rps: number) => M.left + (rps / xMax) * plotW;
  const py = (ms: number) => M.top + plotH * (1 - Math.min(ms, maxMs) / maxMs);
  const colour = MESH_COLOURS[mesh] ?? '#2a9d8f';
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => `<line x1="${M.left}" x2="${M.left + plotW}" y1="${py(maxMs * f)}" y2="${py(maxMs * f)}" class="grid"/><text x="${M.left - 6}" y="${py(maxMs * f) + 4}" text-anchor="end">${(maxMs * f).toFixed(0)}</text>`)
    .join('');
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<text x="${px(xMax * f)}" y="${M.top + plotH + 16}" text-anchor="middle">${Math.round(xMax * f).toLocaleString('en-US')}</text>`).join('');
  const objective = `<line class="objective" x1="${M.left}" x2="${M.left + plotW}" y1="${py(objectiveUs / 1000)}" y2="${py(objectiveUs / 1000)}" stroke="#c0392b" stroke-dasharray="6 4"/><text x="${M.left + plotW - 4}" y="${py(objectiveUs / 1000) - 4}" text-anchor="end" fill="#c0392b">objective P99 ${(objectiveUs / 1000).toFixed(0)} ms</text>`;
  const dots = points
    .map((p) => {
      const ms = p.p99Us! / 1000;
      const held = p.verdict === 'held';
      const title = `${formatRps(p.rateRps)} rps: P99 ${ms.toFixed(1)} ms, ${p.verdict} (${p.why})`;
      if (p.verdict === 'loader-limited') {
        // The loader's own lateness is in this P99: a cross, apart from what the mesh held or broke.
        const x = px(p.rateRps);
        const y = py(ms);
        return `<path d="M${(x - 4).toFixed(1)},${(y - 4).toFixed(1)}L${(x + 4).toFixed(1)},${(y + 4).toFixed(1)}M${(x - 4).toFixed(1)},${(y + 4).toFixed(1)}L${(x + 4).toFixed(1)},${(y - 4).toFixed(1)}" stroke="#9b9b9b" stroke-width="2"><title>${e(title)}</title></path>`;
      }
      return `<circle cx="${px(p.rateRps).toFixed(1)}" cy="${py(ms).toFixed(1)}" r="4" fill="${held ? colour : 'white'}" stroke="${colour}" stroke-width="2"><title>${e(title)}</title></circle>`;
    })
    .join('');
  let mark = '';
  if (r.redlineRps) {
    const i = r.redlineRps;
    mark = `<rect x="${px(i.low).toFixed(1)}" y="${M.top}" width="${Math.max(1, px(i.high) - px(i.low)).toFixed(1)}" height="${plotH}" fill="${colour}" opacity="0.12"/><line class="redline-mark" x1="${px(i.estimate)}" x2="${px(i.estimate)}" y1="${M.top}" y2="${M.top + plotH}" stroke="${colour}" stroke-width="2"/><text x="${px(i.estimate) + 4}" y="${M.top + 12}">redline ${formatRps(i.estimate)} rps</text>`;
  } else if (r.loaderLimitedAtRps !== null) {
    mark = `<text x="${M.left + 8}" y="${M.top + 12}" class="invalid">limited by the load generator at ${formatRps(r.loaderLimitedAtRps)} rps</text>`;
  }
  const title = `${mesh}: P99 against rate`;
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${e(title)}" xmlns="http://www.w3.org/2000/svg"><title>${e(title)}</title>${grid}${xTicks}<text transform="translate(14,${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">P99 (ms)</text><text x="${M.left + plotW / 2}" y="${H - 14}" text-anchor="middle">rate (rps); filled: held the objective, hollow: broke it, ×: the loader fell behind; top edge: off the scale</text>${mark}${objective}<g class="series" data-points="${points.length}">${dots}</g></svg>`;
}

/** The whole section; empty when the run is not a redline search. */
export function redlineSection(result: RunResult): string {
  const o = result.scenario.load.redline;
  if (!o) return '';
  const redlines = meshRedlines(result);
  const charts = redlines.map((r) => `<h3>${e(meshLabel(result, r.mesh))}</h3>${rateChart(r.mesh, redlineSearches(result, r.mesh), r, o.p99Us, o.maxRps)}`).join('');
  const objective = `P99 of 2xx responses at most ${(o.p99Us / 1000).toFixed(1)} ms and failed requests at most ${(o.errorFraction * 100).toFixed(2)} %, with the rate delivered`;
  return `<p>The redline is the highest open-loop rate at which a mesh holds the objective (${e(objective)}). Each search doubles the rate from ${formatRps(o.minRps)} rps, then bisects until the rate that broke is within ${(o.tolerance * 100).toFixed(0)} % of the rate that held; the figure is the median over the searches, with the sign-test interval between two of them and the coverage it really has. A search the load generator could not keep up with reports the loader's limit, never a mesh figure.</p>${capacityTable(result, redlines)}${charts}`;
}
