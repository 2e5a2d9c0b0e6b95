/** The table printed at the end of `bench run`: per mesh and level, latency and its overhead. */
import type { RunResult } from '../results/model.ts';
import { summarizeByMeshAndLevel, type MeshLevelSummary, type Spread } from '../results/overhead.ts';
import { formatCores, formatMiB, formatPercentChange, formatRps, formatSignedUs, formatUs, textTable } from './format.ts';

const latency = (s: Spread | null) => (s ? formatUs(s.median) : '–');

export function renderTerminalTable(result: RunResult): string {
  const summary = summarizeByMeshAndLevel(result);
  return `${latencyTable(summary)}\n\n${resourceTable(summary)}`;
}

function latencyTable(summary: readonly MeshLevelSummary[]): string {
  const rows = summary.map((r) => [
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

const cores = (s: Spread | null) => (s ? formatCores(s.median) : '–');
const mib = (s: Spread | null) => (s ? formatMiB(s.median) : '–');

/** CPU in cores and memory per role, and what the mesh adds to each pod. */
function resourceTable(summary: readonly MeshLevelSummary[]): string {
  const rows = summary.map((r) => {
    const pod = (name: string) => r.podSidecars.find((p) => p.pod === name);
    const workloadPod = pod('workload');
    const loadgenPod = pod('loadgen');
    return [
      r.mesh,
      r.level.id,
      cores(r.appCpuCores),
      r.appCpuCoresChange === null || r.mesh === 'none' ? '' : `${r.appCpuCoresChange >= 0 ? '+' : '−'}${formatCores(Math.abs(r.appCpuCoresChange))}`,
      mib(r.appMemoryBytes),
      cores(r.sidecarCpuCores),
      r.sidecarCpuCoresPerKrps ? formatCores(r.sidecarCpuCoresPerKrps.median) : '–',
      mib(r.sidecarMemoryBytes),
      workloadPod ? `${formatCores(workloadPod.cpuCores)} / ${formatMiB(workloadPod.memoryBytes)}` : '–',
      loadgenPod ? `${formatCores(loadgenPod.cpuCores)} / ${formatMiB(loadgenPod.memoryBytes)}` : '–',
      cores(r.loadgenCpuCores),
    ];
  });
  const table = textTable(
    ['mesh', 'level', 'app CPU', 'app change', 'app mem', 'sidecar CPU', 'per 1k rps', 'sidecar mem', 'workload pod +', 'loadgen pod +', 'loader CPU'],
    rows,
    2,
  );
  return `${table}\n(CPU in cores averaged over the measured window, memory RSS; "sidecar" is both sidecars; "pod +" is the sidecar a mesh adds to that pod)`;
}
