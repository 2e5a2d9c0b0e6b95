/** The table printed at the end of `bench run`: per mesh and level, latency and what the mesh adds. */
import { memoryMeasure } from '../results/conditions.ts';
import type { RunResult } from '../results/model.ts';
import type { PairedEstimate } from '../results/paired.ts';
import { summarizeRun, type CellSummary, type RunSummary, type Spread } from '../results/summary.ts';
import { formatBitsPerSecond, formatCores, formatMiB, formatRps, formatSignedUs, formatUs, textTable } from './format.ts';
import { formatLevel } from './compare-format.ts';
import { verdictFootnote } from './verdict.ts';

const median = (s: Spread | null, f: (v: number) => string) => (s ? f(s.median) : '–');

/** "+1.28 ms [+0.90 ms, +1.60 ms] 97 %", its true level; "not firm" when short of the level asked; "(n=1)" alone. */
function added(c: CellSummary, pick: (a: NonNullable<CellSummary['added']>) => PairedEstimate | null, format: (v: number) => string): string {
  if (c.isBaseline) return 'baseline';
  const e = c.added ? pick(c.added) : null;
  if (!e) return '–';
  if (e.n === 1) return `${format(e.estimate)} (n=1)`;
  return `${format(e.estimate)} [${format(e.low)}, ${format(e.high)}] ${formatLevel(e.level)}${e.firm ? '' : ' not firm'}`;
}

const percent = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)}%`;

export function renderTerminalTable(result: RunResult, summary: RunSummary = summarizeRun(result)): string {
  const env = result.environment;
  const head = `Platform ${env.platform}, layout ${env.layout}${Object.keys(env.components).length ? ` (${Object.entries(env.components).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}\n`;
  const caveats = env.caveats.map((c) => `NOTE: ${c}\n`).join('');
  const first = summary.bandwidth ? bandwidthTable(summary) : latencyTable(summary);
  return `${head}${caveats}${first}\n\n${resourceTable(summary, memoryMeasure(result))}`;
}

function latencyTable(summary: RunSummary): string {
  const rows = summary.cells.map((c) => [
    c.meshLabel,
    c.level.id,
    median(c.figures.p50, formatUs),
    added(c, (a) => a.p50Us, formatSignedUs),
    median(c.figures.p99, formatUs),
    added(c, (a) => a.p99Us, formatSignedUs),
    median(c.figures.all_p99, formatUs),
    median(c.figures.rps, formatRps),
    added(c, (a) => a.throughputChange, percent),
    String(c.failedRequests),
    `${c.trials.valid}/${c.trials.valid + c.trials.invalid + c.trials.failed}`,
  ]);
  const table = textTable(['mesh', 'level', 'p50', 'p50 added', 'p99', 'p99 added', 'p99 all', 'rps', 'rps change', 'failed req', 'valid'], rows, 2);
  return `${table}\n(medians over valid repetitions; "rps" is completed 2xx per second; "p99 all" counts every attempt, failures at their time to failure; ${verdictFootnote(summary).replace(/^"Added"/, '"added"')})`;
}

/** Mode bandwidth: bits per second at the sink and what each mesh takes from it; no latency to show. */
function bandwidthTable(summary: RunSummary): string {
  const rows = summary.cells.map((c) => [
    c.meshLabel,
    c.level.id,
    median(c.figures.throughput_bps, formatBitsPerSecond),
    c.figures.throughput_bps ? `${formatBitsPerSecond(c.figures.throughput_bps.min)} … ${formatBitsPerSecond(c.figures.throughput_bps.max)}` : '–',
    added(c, (a) => a.bandwidthChange, percent),
    median(c.figures.sent_bps, formatBitsPerSecond),
    `${c.trials.valid}/${c.trials.valid + c.trials.invalid + c.trials.failed}`,
  ]);
  const table = textTable(['mesh', 'level', 'received', 'range', 'change', 'sent', 'valid'], rows, 2);
  return `${table}\n(mode bandwidth: "received" is goodput at the TCP sink, bits per second over the sink's own window, as iperf3's receiver line; "sent" is what the loader's writes handed to the kernel; latency, request rate and errors are not measured in bandwidth mode; ${verdictFootnote(summary).replace(/^"Added"/, '"change"')})`;
}

/** CPU in cores and memory per role, and what the mesh adds to each pod; node-proxy columns when one ran. */
function resourceTable(summary: RunSummary, memory: string): string {
  const hasNodeProxy = summary.cells.some((c) => c.figures.node_proxy_cpu !== null);
  const hasControlPlane = summary.cells.some((c) => c.figures.control_plane_cpu !== null);
  const rows = summary.cells.map((c) => {
    const pod = (name: string) => c.podSidecars.find((p) => p.pod === name);
    const podText = (name: string) => {
      const p = pod(name);
      return p ? `${formatCores(p.cpuCores)} / ${formatMiB(p.memoryBytes)}` : '–';
    };
    const f = c.figures;
    const nodeProxy = hasNodeProxy ? [median(f.node_proxy_cpu, formatCores), median(summary.bandwidth ? f.node_proxy_cpu_per_gbps : f.node_proxy_cpu_per_krps, formatCores), median(f.node_proxy_mem, formatMiB)] : [];
    return [
      c.mesh,
      c.level.id,
      median(f.app_cpu, formatCores),
      median(f.app_mem, formatMiB),
      median(f.sidecar_cpu, formatCores),
      median(summary.bandwidth ? f.sidecar_cpu_per_gbps : f.sidecar_cpu_per_krps, formatCores),
      median(f.sidecar_mem, formatMiB),
      podText('workload'),
      podText('loadgen'),
      ...nodeProxy,
      median(f.loadgen_cpu, formatCores),
      ...(hasControlPlane ? [median(f.control_plane_cpu, formatCores), median(f.control_plane_mem, formatMiB)] : []),
    ];
  });
  const per = summary.bandwidth ? 'per Gbit/s' : 'per 1k rps';
  const nodeProxyHeads = hasNodeProxy ? ['node proxy CPU', per, 'node proxy mem'] : [];
  const table = textTable(['mesh', 'level', 'app CPU', 'app mem', 'sidecar CPU', per, 'sidecar mem', 'workload pod +', 'loadgen pod +', ...nodeProxyHeads, 'loader CPU', ...(hasControlPlane ? ['control plane CPU', 'control plane mem'] : [])], rows, 2);
  const nodeProxyNote = hasNodeProxy ? '; "node proxy" is every ztunnel together, charged per node, not per pod' : '';
  const controlPlaneNote = hasControlPlane ? '; "control plane" is istiod, apart from the data plane: it serves the whole cluster, not only this trial' : '';
  return `${table}\n(CPU in cores averaged over the measured window, memory ${memory}; "sidecar" is both sidecars; "pod +" is the sidecar a mesh adds to that pod${nodeProxyNote}${controlPlaneNote})`;
}
