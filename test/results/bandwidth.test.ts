/** Mode bandwidth's figures: bits per second at each end, cores per Gbit/s, validity, and the summary's change. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ResourceUsage } from '../../src/collectors/types.ts';
import { bandwidthInvalidReasons, coresPerGbps, sentBitsPerSecond, throughputBitsPerSecond } from '../../src/results/bandwidth.ts';
import { trialMetric } from '../../src/results/metrics.ts';
import type { MeasuredTrial } from '../../src/results/model.ts';
import { findCell, summarizeRun } from '../../src/results/summary.ts';
import { invalidReasons } from '../../src/results/validity.ts';
import { bandwidthCounts, fakeBandwidthRun } from '../fakes/bandwidth.ts';

const usage = (pod: string, container: string, role: ResourceUsage['role'], cpuCores: number): ResourceUsage => ({ pod, container, role, cpuCores, cpuCoresMax: cpuCores, memoryBytesAvg: 50 * 2 ** 20, memoryBytesMax: 50 * 2 ** 20, samples: 4, windowMs: 2000 });

test('throughput is the sink\'s bytes over the sink\'s own interval; sent is the loader\'s over its own', () => {
  const b = { connections: 2, sentBytes: 1_250_000_000, sentWindowUs: 2_000_000, receivedBytes: 1_200_000_000, receivedWindowUs: 1_920_000, totalSentBytes: 1, totalReceivedBytes: 1 };
  // 1.2 GB × 8 / 1.92 s = 5 Gbit/s (not 4.8: the sink's interval, not the loader's, is the divisor).
  assert.is(throughputBitsPerSecond(b), 5e9);
  assert.is(sentBitsPerSecond(b), 5e9);
  assert.is(throughputBitsPerSecond({ ...b, receivedBytes: null, receivedWindowUs: null }), null, 'no sink reading, no receiver figure');
  assert.is(throughputBitsPerSecond({ ...b, receivedWindowUs: 0 }), null);
});

test('cores per Gbit/s divide a proxy\'s cores by the Gbit/s carried; nothing carried, no figure', () => {
  assert.is(coresPerGbps(1.5, 3e9), 0.5);
  assert.is(coresPerGbps(1.5, 0), null);
  assert.is(coresPerGbps(1.5, null), null);
});

test('a bandwidth trial is invalid when nothing arrived, the sink could not be read, or a connection failed', () => {
  assert.equal(bandwidthInvalidReasons(bandwidthCounts(4e9), 0), []);
  assert.match(bandwidthInvalidReasons(bandwidthCounts(0), 0).join(), /no byte reached the TCP sink/);
  assert.match(bandwidthInvalidReasons(bandwidthCounts(null, 4e9), 0).join(), /could not be read/);
  assert.match(bandwidthInvalidReasons(bandwidthCounts(4e9), 1).join(), /1 of 4 connections failed/);
  // validity.ts takes the bandwidth rules instead of the request rules (no 2xx is not a reason here).
  const run = fakeBandwidthRun(() => ({ receivedBps: 4e9 }), { meshes: ['none'], repetitions: 1 });
  const t = run.trials[0] as MeasuredTrial;
  assert.equal(invalidReasons({ load: t.load, errorBudget: 0.01, loaderSaturated: false, loaderCpuCores: 1 }), []);
});

test('request figures are not measured in bandwidth mode (null, never the empty histogram\'s 0); proxy cores per Gbit/s are', () => {
  const run = fakeBandwidthRun((mesh) => ({
    receivedBps: mesh === 'none' ? 8e9 : 4e9,
    resources: mesh === 'istio' ? [usage('workload', 'sidecar-inbound', 'sidecar', 0.6), usage('loadgen', 'sidecar-outbound', 'sidecar', 0.4)] : [],
  }), { meshes: ['none', 'istio'], repetitions: 1 });
  const istio = run.trials.find((t) => t.trial.mesh === 'istio') as MeasuredTrial;
  for (const m of ['p50', 'p99', 'all_p99', 'rps', 'errors', 'sidecar_cpu_per_krps'] as const) assert.is(trialMetric(istio, m), null, m);
  assert.is(trialMetric(istio, 'throughput_bps'), 4e9);
  // Both sidecars together, 1.0 core, over 4 Gbit/s.
  assert.is(trialMetric(istio, 'sidecar_cpu_per_gbps'), 0.25);
  assert.is(trialMetric(istio, 'node_proxy_cpu_per_gbps'), null);
});

test('the summary pairs bandwidth by repetition as a ratio, flags the run, and leaves latency empty', () => {
  const run = fakeBandwidthRun((mesh, rep) => ({ receivedBps: (mesh === 'none' ? 10e9 : 7e9) + rep * 1e8 }), { meshes: ['none', 'istio'] });
  const summary = summarizeRun(run);
  assert.ok(summary.bandwidth);
  const istio = findCell(summary, 'istio', 'c4')!;
  assert.is(istio.figures.throughput_bps!.median, 7.2e9);
  assert.is(istio.figures.p50, null);
  assert.is(istio.added!.bandwidthChange!.n, 3);
  // Per pair: 7.1/10.1, 7.2/10.2, 7.3/10.3 − 1; the median is the second.
  assert.ok(Math.abs(istio.added!.bandwidthChange!.estimate - (7.2 / 10.2 - 1)) < 1e-12);
  assert.is(istio.added!.p50Us, null);
  assert.not.ok(summarizeRun({ ...run, scenario: { ...run.scenario, load: { ...run.scenario.load, mode: 'max' } } }).bandwidth);
});

test.run();
