/** The table printed at the end of `bench run`: per mesh and level, latency and its overhead. */
import type { RunResult } from '../results/model.ts';
import { summarizeByMeshAndLevel, type Spread } from '../results/overhead.ts';
import { formatPercentChange, formatRps, formatSignedUs, formatUs, textTable } from './format.ts';

const latency = (s: Spread | null) => (s ? formatUs(s.median) : '–');

export function renderTerminalTable(result: RunResult): string {
  const rows = summarizeByMeshAndLevel(result).map((r) => [
    r.meshLabel,
    r.level.id,
    latency(r.p50Us),
    r.p50OverheadUs === null ? '–' : r.mesh === 'none' ? 'baseline' : formatSignedUs(r.p50OverheadUs),
    latency(r.p99Us),
    r.p99OverheadUs === null ? '–' : r.mesh === 'none' ? 'baseline' : formatSignedUs(r.p99OverheadUs),
    r.achievedRps ? formatRps(r.achievedRps.median) : '–',
    r.rpsChange === null || r.mesh === 'none' ? '' : formatPercentChange(r.rpsChange),
    String(r.failedRequests),
    `${r.validTrials}/${r.validTrials + r.invalidTrials}`,
  ]);
  const table = textTable(['mesh', 'level', 'p50', 'p50 added', 'p99', 'p99 added', 'rps', 'rps change', 'failed req', 'valid'], rows, 2);
  return `${table}\n(medians over valid repetitions; "added" is the mesh minus no mesh at the same level)`;
}
