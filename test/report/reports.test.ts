/** The reports as pure functions of a result: columns, tables, XML shape, .hlog round trip, escaping. */
import { parse } from 'csv-parse/sync';
import { HistogramLogReader } from 'hdr-histogram-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_COST, renderReports } from '../../src/report/index.ts';
import { estimateCost, HOURS_PER_MONTH } from '../../src/results/cost.ts';
import { summarizeRun } from '../../src/results/summary.ts';
import { SUMMARY_CSV_COLUMNS } from '../../src/report/summary-csv.ts';
import { decodeHistogram, summarize } from '../../src/results/histogram.ts';
import type { ResourceUsage } from '../../src/collectors/types.ts';
import { fakeRun } from '../fakes/results.ts';

const MIB = 1024 * 1024;
const usage = (pod: string, container: string, role: ResourceUsage['role'], cpuCores: number, memoryMiB: number): ResourceUsage => ({
  pod, container, role, cpuCores, cpuCoresMax: cpuCores * 1.5, memoryBytesAvg: memoryMiB * MIB, memoryBytesMax: memoryMiB * MIB * 1.1, samples: 10, windowMs: 10_000,
});
const run = fakeRun(
  (mesh, rep) => ({
    latenciesUs: Array.from({ length: 1000 }, (_, i) => (mesh === 'none' ? 100 : mesh === 'istio' ? 300 : 250) + rep + (i % 50)),
    achievedRps: 1000,
    status: mesh === 'appmesh' && rep === 3 ? 'invalid' : 'valid',
    resources: [
      usage('workload', 'app', 'app', 0.1, 90),
      ...(mesh === 'none' ? [] : [usage('workload', 'sidecar-inbound', 'sidecar', 0.1, 20), usage('loadgen', 'sidecar-outbound', 'sidecar', 0.12, 16)]),
      usage('loadgen', 'loadgen', 'loadgen', 1, 120),
    ],
  }),
  { name: 'reports <b>&</b> "quotes"' },
);
const files = Object.fromEntries(renderReports(run, ['html', 'md', 'csv', 'junit', 'hlog']).map((f) => [f.path, f.content]));

test('every format writes its files', () => {
  assert.equal(Object.keys(files).sort(), ['histograms/appmesh-c4.hlog', 'histograms/istio-c4.hlog', 'histograms/none-c4.hlog', 'junit.xml', 'report.html', 'results.csv', 'summary.csv', 'summary.md'].sort());
});

test('summary.csv: one row per mesh and level, documented columns, medians of valid repetitions', () => {
  const rows = parse(files['summary.csv']!, { columns: true }) as Record<string, string>[];
  assert.equal(Object.keys(rows[0]!), [...SUMMARY_CSV_COLUMNS]);
  assert.equal(rows.map((r) => r.mesh), ['none', 'istio', 'appmesh']);
  const istio = rows[1]!;
  assert.is(istio.valid_trials, '3');
  assert.is(rows[2]!.invalid_trials, '1');
  assert.is(istio.p50_added_us, '200');
  assert.is(istio.sidecar_cpu_cores, '0.2200');
  assert.is(istio.sidecar_cpu_cores_per_1k_rps, '0.2200');
  assert.is(istio.sidecar_memory_mib, '36.0');
  assert.is(rows[0]!.sidecar_cpu_cores, '');
});

test('summary.md: the verdict table, Metric | mesh | mesh, with paired estimates and their n', () => {
  const md = files['summary.md']!;
  assert.match(md, /\| Metric \| istio \(fake\) \| appmesh \(fake\) \|\n\|---\|---:\|---:\|/);
  // istio: 3 pairs, a 75 % interval (not firm at 95 %); appmesh: rep 3 invalid, 2 pairs, a 50 % interval.
  assert.match(md, /\| P50 latency added \| \+200 µs \(75 % interval \+200 µs … \+200 µs, 3 pairs; not firm: needs 6\) \| \+150 µs \(50 % interval \+\d+ µs … \+\d+ µs, 2 pairs; not firm: needs 6\) \|/);
  assert.match(md, /\| CPU overhead per pod \(sidecar\) \| 0\.11 cores/);
  assert.match(md, /\| Memory overhead per pod \(sidecar\) \| 18\.0 MiB/);
  assert.match(md, /## meshbench: reports \\<b\\>&\\<\/b\\> "quotes"/);
});

test('the cost estimate is computed from the measured sidecars', () => {
  const [istio] = estimateCost(summarizeRun(run), { pods: 10, usdPerVcpuHour: 0.05, usdPerGibHour: 0.01 });
  // Per pod: (0.10 + 0.12) / 2 = 0.11 cores and (20 + 16) / 2 = 18 MiB.
  const expected = 10 * HOURS_PER_MONTH * (0.11 * 0.05 + (18 / 1024) * 0.01);
  assert.ok(Math.abs(istio!.usdPerMonth - expected) < 1e-9, `${istio!.usdPerMonth} vs ${expected}`);
  assert.is(DEFAULT_COST.pods, 100);
});

test('junit.xml follows testsuites/testsuite/testcase/failure, one testcase per trial and per added estimate', () => {
  const xml = files['junit.xml']!;
  // Nine trials, and one informative case per mesh other than the baseline: what it adds.
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="meshbench" tests="11" failures="1" errors="0" skipped="0">\n  <testsuite name="meshbench trials: reports &lt;b&gt;&amp;&lt;\/b&gt; &quot;quotes&quot;" tests="11"/);
  assert.is((xml.match(/<testcase /g) ?? []).length, 11);
  assert.match(xml, /<testcase classname="meshbench\.trial\.appmesh" name="trial 9: appmesh c4 rep 3"><failure message="invalid trial" type="invalid">made invalid by the test<\/failure><\/testcase>/);
  assert.match(xml, /<\/testsuite>\n<\/testsuites>\n$/);
  // Balanced: every opened element is closed.
  for (const tag of ['testsuites', 'testsuite', 'testcase']) assert.is((xml.match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length, (xml.match(new RegExp(`</${tag}>`, 'g')) ?? []).length);
});

test('an .hlog round-trips through hdr-histogram-js log reader with identical percentiles', () => {
  const reader = new HistogramLogReader(files['histograms/istio-c4.hlog']!);
  const trials = run.trials.filter((t) => t.status === 'valid' && t.trial.mesh === 'istio');
  for (const t of trials) {
    const h = reader.nextIntervalHistogram();
    assert.ok(h, 'an interval per valid trial');
    assert.is(h!.tag, `trial-${t.trial.index + 1}`);
    if (t.status === 'valid') assert.equal(summarize(h!), summarize(decodeHistogram(t.histograms.latencyUs)));
  }
  assert.is(reader.nextIntervalHistogram(), null);
});

test('report.html is self-contained and escapes what users wrote', () => {
  const html = files['report.html']!;
  assert.not.match(html, /(src|href)=["']?(https?:)?\/\//, 'no external resource');
  assert.not.match(html, /<script/i);
  assert.match(html, /<title>meshbench: reports &lt;b&gt;&amp;&lt;\/b&gt; &quot;quotes&quot;<\/title>/);
  assert.not.match(html, /<b>&<\/b>/);
  for (const section of ['What each mesh adds over no mesh', 'Latency distribution', 'Latency against load', 'CPU and memory by role', 'Estimated monthly cost of the sidecars', 'Every trial, the environment and the scenario']) {
    assert.match(html, new RegExp(`<h2>\\d\\. ${section}</h2>`));
  }
  assert.ok((html.match(/class="series" data-points="[1-9]/g) ?? []).length >= 5, 'percentile lines and bars have data');
  assert.match(html, /<strong>istio<\/strong>: istio \(fake\)/, 'charts name the emulation of each mesh');
});

test.run();
