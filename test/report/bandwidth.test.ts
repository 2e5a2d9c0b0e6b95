/** Every output of a bandwidth run: bits per second and cores per Gbit/s, and latency said to be not measured, never 0. */
import { parse } from 'csv-parse/sync';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ResourceUsage } from '../../src/collectors/types.ts';
import { renderReports } from '../../src/report/index.ts';
import { renderTerminalTable } from '../../src/report/terminal-table.ts';
import { trialOutcomeText } from '../../src/cli/progress-display.ts';
import { fakeBandwidthRun } from '../fakes/bandwidth.ts';
import { runJson } from '../../src/report/json.ts';
import { RunJson } from '../../src/report/json-shapes.ts';
import { summarizeRun } from '../../src/results/summary.ts';

const sidecar = (pod: string, cpuCores: number): ResourceUsage => ({ pod, container: `sidecar-${pod}`, role: 'sidecar', cpuCores, cpuCoresMax: cpuCores, memoryBytesAvg: 2 ** 26, memoryBytesMax: 2 ** 26, samples: 4, windowMs: 2000 });
const run = fakeBandwidthRun((mesh, rep) => ({ receivedBps: mesh === 'none' ? 10e9 + rep * 1e8 : 4e9, resources: mesh === 'none' ? [] : [sidecar('workload', 0.5), sidecar('loadgen', 0.5)] }), { meshes: ['none', 'istio'] });
const files = Object.fromEntries(renderReports(run, ['html', 'md', 'csv', 'junit', 'hlog']).map((f) => [f.path, f.content]));

test('terminal: received Gbit/s and the change; sidecar cores per Gbit/s; no latency columns', () => {
  const text = renderTerminalTable(run);
  assert.match(text, /received\s+range\s+change\s+sent/);
  assert.match(text, /none \(fake\)\s+c4\s+10\.2 Gbit\/s/);
  assert.match(text, /istio \(fake\)\s+c4\s+4\.00 Gbit\/s/);
  assert.match(text, /latency, request rate and errors are not measured in bandwidth mode/);
  // Both sidecars, 1 core, over 4 Gbit/s.
  assert.match(text, /per Gbit\/s[\s\S]*istio\s+c4\s+–\s+–\s+1\.00\s+0\.25/);
  assert.not.match(text, /\bp50\b|0 µs/);
});

test('summary.md and report.html: bandwidth rows, latency "not measured in bandwidth mode", no latency charts', () => {
  const md = files['summary.md']!;
  assert.match(md, /\| Bandwidth received by the sink \| 4\.00 Gbit\/s \(4\.00 Gbit\/s … 4\.00 Gbit\/s, 3 reps\) \|/);
  assert.match(md, /\| Sidecar CPU per Gbit\/s \(both sidecars\) \| 0\.25 cores/);
  assert.match(md, /\| Latency \| not measured in bandwidth mode \|/);
  assert.not.match(md, /P99 latency added/);
  const html = files['report.html']!;
  assert.match(html, /<h2>\d\. Bandwidth<\/h2>/);
  assert.match(html, /Latency is not measured in bandwidth mode/);
  assert.not.match(html, /Latency by percentile/);
});

test('CSVs: bandwidth columns filled, request and latency columns empty (not 0); JUnit and the progress line say the figure; no .hlog', () => {
  const trials = parse(files['results.csv']!, { columns: true }) as Record<string, string>[];
  const istio = trials.find((r) => r.mesh === 'istio')!;
  assert.is(istio.throughput_bps, '4000000000');
  assert.is(istio.sidecar_cpu_cores_per_gbps, '0.2500');
  assert.equal([istio.p50_us, istio.p99_us, istio.achieved_rps, istio.requests], ['', '', '', '']);
  const cells = parse(files['summary.csv']!, { columns: true }) as Record<string, string>[];
  const none = cells.find((r) => r.mesh === 'none')!;
  assert.equal([none.throughput_bps, none.p50_us, none.p50_added_us], ['10200000000', '', '']);
  assert.is(cells.find((r) => r.mesh === 'istio')!.throughput_change_pct, (100 * (4 / 10.2 - 1)).toFixed(2));
  assert.match(files['junit.xml']!, /4\.00 Gbit\/s received by the TCP sink, 4\.00 Gbit\/s sent over 4 connection\(s\); latency not measured in bandwidth mode/);
  assert.equal(Object.keys(files).filter((p) => p.endsWith('.hlog')), []);
  assert.is(trialOutcomeText(run.trials[1]!), 'valid: 4.00 Gbit/s received over 4 connection(s)');
});

test('--json: the bandwidth figures and their paired change, latency and rps null, in the documented shape', () => {
  const doc = RunJson.parse(runJson(run, summarizeRun(run), 'out', 0));
  const istio = doc.cells.find((c) => c.mesh === 'istio')!;
  assert.is(istio.throughputBitsPerSecond?.median, 4e9);
  assert.is(istio.sidecarCpuCoresPerGbps?.median, 0.25);
  assert.is(istio.p50Us, null);
  assert.is(istio.rps, null);
  assert.ok(istio.added?.bandwidthChange && istio.added.bandwidthChange.estimate < -0.5, JSON.stringify(istio.added));
});

test.run();
