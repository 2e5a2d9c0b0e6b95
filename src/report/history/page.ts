/**
 * history.html: a scenario's trend page, one self-contained file (inline CSS and SVG, no script,
 * no network request). Charts per load level and figure; tables of the change points and runs.
 */
import type { ChangePoint, History, HistorySeries } from '../../results/history/index.ts';
import { HISTORY_METRICS, HISTORY_METRIC_NAMES } from '../../results/history/index.ts';
import { escapeHtml as e } from '../escape.ts';
import { formatPercentChange } from '../format.ts';
import { STYLE } from '../html/style.ts';
import { GATE_COLOURS, trendChart } from './chart.ts';
import { formatterFor, signed } from './format.ts';

const EXTRA_STYLE = `svg.trend { width: 100%; height: auto; font-size: 11px; fill: var(--ink); } svg.trend .grid { stroke: #eaeef2; }
.key span { display: inline-block; margin-right: 14px; } .key i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: -1px; }
td.env { font-size: .9em; color: var(--muted); } table.changes { font-size: .9em; } tr.worse td.step { color: var(--bad); } tr.better td.step { color: var(--good); }`;

function seriesOf(h: History, level: string, metric: string): HistorySeries[] {
  return h.series.filter((s) => s.level === level && s.metric === metric);
}

function changeRow(h: History, cp: ChangePoint): string {
  const s = h.series.find((x) => x.key === cp.seriesKey)!;
  const spec = HISTORY_METRICS[s.metric];
  const fmt = signed(formatterFor(s.metric));
  const rel = cp.relativeStep ? `${formatPercentChange(cp.relativeStep.estimate)}\n[${formatPercentChange(cp.relativeStep.low)}, ${formatPercentChange(cp.relativeStep.high)}]` : '–';
  const env = cp.environment.length ? cp.environment.map((d) => `${e(d.what)}: ${e(d.baseline)} → ${e(d.candidate)}`).join('<br>') : 'no recorded difference';
  // Worse: latency, CPU or memory up, rps down.
  const direction = cp.step.estimate === 0 ? '' : (cp.step.estimate > 0) === spec.higherIsWorse ? ' worse' : ' better';
  return `<tr class="change${direction}" data-series="${e(cp.seriesKey)}" data-run="${e(cp.runIdAfter)}"><td>${e(cp.at.slice(0, 10))}</td><td>${e(s.mesh)}</td><td>${e(s.level)}</td><td>${e(spec.label)}</td><td>${e(cp.runIdBefore)} → <strong>${e(cp.runIdAfter)}</strong></td><td class="num">${cp.pointsBefore} / ${cp.pointsAfter}</td><td class="num step">${e(fmt(cp.step.estimate))}<br><span class="muted">[${e(fmt(cp.step.low))}, ${e(fmt(cp.step.high))}] ${Math.round(cp.step.level * 1000) / 10} %</span></td><td class="num">${e(rel).replace('\n', '<br>')}</td><td class="num">${cp.pValue.toFixed(3)}</td><td class="env">${env}</td></tr>`;
}

function runsTable(h: History): string {
  const rows = h.runs
    .map((r, i) => {
      const gate = r.gate ? `<span style="color:${GATE_COLOURS[r.gate.mark] ?? 'inherit'}" title="${e(r.gate.detail)}">${e(r.gate.mark)}</span>` : '–';
      const env = r.changes.map((d) => `${e(d.what)}: ${e(d.baseline)} → ${e(d.candidate)}`).join('<br>');
      return `<tr><td class="num">${i + 1}</td><td>${e(r.startedAt.replace('T', ' ').slice(0, 19))}</td><td>${e(r.runId)}</td><td>${e(r.source)}</td><td>${e(r.status)}</td><td>${gate}</td><td class="env">${env}</td></tr>`;
    })
    .join('');
  return `<table><thead><tr><th class="num">#</th><th>started (UTC)</th><th>run</th><th>source</th><th>status</th><th>gate</th><th>what differs from the run before</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function renderHistoryHtml(h: History): string {
  const levels = [...new Set(h.series.map((s) => s.level))];
  const first = h.runs[0]!.startedAt.slice(0, 10);
  const last = h.runs.at(-1)!.startedAt.slice(0, 10);
  const charts = levels
    .map((level) => {
      const body = HISTORY_METRIC_NAMES.filter((m) => seriesOf(h, level, m).length)
        .map((m) => {
          const spec = HISTORY_METRICS[m];
          const series = seriesOf(h, level, m);
          const note = spec.interval === 'paired' ? 'bars: sign-test interval over paired repetitions (75 % at 3 pairs, 97 % from 6)' : 'bars: range over valid repetitions';
          return `<h3>${e(spec.label)} <span class="muted">(${note})</span></h3>${trendChart({ title: `${spec.label} at ${level}`, runs: h.runs, series, changePoints: h.changePoints.filter((c) => series.some((s) => s.key === c.seriesKey)), format: formatterFor(m) })}`;
        })
        .join('\n');
      return `<section><h2>Load level ${e(level)}</h2>${body}</section>`;
    })
    .join('\n');
  const changes = h.changePoints.length
    ? `<table class="changes"><thead><tr><th>since</th><th>mesh</th><th>level</th><th>figure</th><th>run before → after</th><th class="num">runs before / after</th><th class="num">step [interval, level]</th><th class="num">relative</th><th class="num">p</th><th>what differs between the two runs</th></tr></thead><tbody>${[...h.changePoints].sort((a, b) => a.runIndex - b.runIndex).map((cp) => changeRow(h, cp)).join('')}</tbody></table>`
    : '<p>No change point in any series.</p>';
  const key = `<p class="key muted"><span><i style="background:#d9730d"></i>▼ environment or scenario changed since the run before</span><span>dashed line: change point</span>${Object.entries(GATE_COLOURS).map(([k, c]) => `<span><i style="background:${c}"></i>gate ${e(k)}</span>`).join('')}</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>meshbench history: ${e(h.scenario)}</title><style>${STYLE}${EXTRA_STYLE}</style></head>
<body>
<h1>meshbench history: ${e(h.scenario)}</h1>
<p class="lede">${h.runs.length} run(s) from ${e(first)} to ${e(last)}; one point per run. Change points by ${e(h.method.name)}, per series: significance ${h.method.significance}, ${h.method.permutations} permutations, at least ${h.method.minSegment} runs on each side; ${e(h.method.falseAlarmRate)}. A step is the Hodges-Lehmann shift between the runs either side, with its Mann-Whitney interval at the level it really has (95 % or more once there are 4 runs on each side).</p>
<section><h2>Change points</h2>${changes}</section>
${key}
${charts}
<section><h2>Runs</h2>${runsTable(h)}</section>
<p class="muted">Generated by meshbench from the runs' result.json files; each point is the figure of that run's own report.</p>
</body></html>
`;
}
