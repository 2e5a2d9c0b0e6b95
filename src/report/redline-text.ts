/** The redline capacity table for the terminal and summary.md: results/redline.ts's figures, formatted. */
import { meshRedlines, type MeshRedline } from '../results/redline.ts';
import { meshLabel, type RunResult } from '../results/model.ts';
import { formatCores, formatRps, textTable } from './format.ts';

const level = (l: number) => `${Math.round(l * 100)} %`;
const pct = (f: number) => `${(f * 100).toFixed(1)} %`;

export function redlineFigure(r: MeshRedline): string {
  if (r.loaderLimitedAtRps !== null) return `limited by the load generator at ${formatRps(r.loaderLimitedAtRps)} rps`;
  const i = r.redlineRps;
  if (!i) return '–';
  return `${r.atLeast ? '≥ ' : ''}${formatRps(i.estimate)} rps${i.low === i.high ? '' : ` [${formatRps(i.low)}, ${formatRps(i.high)}] ${level(i.level)}`}`;
}

function lost(r: MeshRedline): string {
  const l = r.capacityLost;
  if (!l) return r.mesh === 'none' ? 'baseline' : '–';
  return `${pct(l.estimate)} [${pct(l.low)}, ${pct(l.high)}] ${level(l.level)}`;
}

/** Null when the run is not a redline search. */
export function renderRedlineText(result: RunResult): string | null {
  const o = result.scenario.load.redline;
  if (!o) return null;
  const redlines = meshRedlines(result);
  const cores = (v: number | null) => (v === null ? '–' : formatCores(v));
  const rows = redlines.map((r) => [meshLabel(result, r.mesh), redlineFigure(r), lost(r), cores(r.sidecarCoresPerKrps), cores(r.nodeProxyCoresPerKrps)]);
  const table = textTable(['mesh', 'redline', 'capacity lost', 'sidecar cores/1k rps', 'node-proxy cores/1k rps'], rows);
  const why = redlines.map((r) => `  ${r.mesh}: ${r.stopped}`).join('\n');
  return `Redline: the highest rate that holds P99 ≤ ${(o.p99Us / 1000).toFixed(1)} ms and failed requests ≤ ${(o.errorFraction * 100).toFixed(2)} %\n${table}\n(median over the searches, with the sign-test interval between two of them and the coverage it really has; capacity lost is 1 − mesh/none with its Hodges-Lehmann interval)\nWhy each search stopped:\n${why}`;
}
