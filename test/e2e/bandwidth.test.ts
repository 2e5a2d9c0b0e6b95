/**
 * `load.mode: bandwidth` end to end through `bench run` on the local platform, netns layout (as
 * root, as CI runs; needs Envoy and ztunnel 1.30.3): none, istio (Envoy sidecars over mTLS) and
 * istio-ambient (the real ztunnels), 2 connections for 2 s each. What the loader counted and what
 * the sink counted must agree: to the byte over the whole run (every byte written arrived once),
 * and over the measured window as rates within WINDOW_TOLERANCE (each end over its own clock: bytes
 * in flight in the proxies' and kernels' buffers at the window's edges are the only difference).
 * Then the proxies' CPU per Gbit/s, the outputs that must not show latency, and nothing left.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { throughputBitsPerSecond, sentBitsPerSecond } from '../../src/results/bandwidth.ts';
import { trialMetric } from '../../src/results/metrics.ts';
import { ztunnelOrBuild } from '../platforms/local/ztunnel/ztunnel-helpers.ts';
import { assertNothingLeft, currentResult, exitWithin, resultFolders, startBench } from './fault-helpers.ts';
import { netnsLeft } from './netns-helpers.ts';

/** Sender and receiver rates over the window may differ by this fraction. */
const WINDOW_TOLERANCE = 0.05;

const yaml = [
  'name: bandwidth-e2e',
  'meshes: [none, istio, istio-ambient]',
  'local:',
  '  layout: netns',
  'workload:',
  '  protocol: tcp',
  'load:',
  '  mode: bandwidth',
  '  connections: 2',
  '  warmup: 500ms',
  '  duration: 2s',
  'resources:',
  '  sampleInterval: 250ms',
  'gates:',
  '  - "istio:throughput_bps < none:throughput_bps * 1.5"',
  'repetitions: 1',
  '',
].join('\n');

test('none, istio and istio-ambient: loader and sink agree on the bytes, proxies\' cores per Gbit/s, no latency shown; nothing left', async () => {
  await ztunnelOrBuild();
  const run = startBench(yaml);
  const exit = await exitWithin(run, 120_000);
  // The cross-mesh gate has one pair: inconclusive, which does not fail the exit code by default.
  assert.is(exit.code, 0, run.stderr());
  const result = currentResult(run)!;
  assert.is(result.environment.layout, 'netns');
  assert.equal(result.trials.map((t) => `${t.trial.mesh}:${t.status}`), ['none:valid', 'istio:valid', 'istio-ambient:valid'], JSON.stringify(result.trials.map((t) => ('reasons' in t ? t.reasons : 'error' in t ? t.error : t.status))));
  const rows: string[] = [];
  for (const t of result.trials) {
    assert.ok(t.status === 'valid');
    const b = t.load.bandwidth!;
    assert.ok(b, `${t.mesh}: no byte counts`);
    assert.is(b.connections, 2);
    assert.ok(b.sentBytes > 50 * 2 ** 20, `${t.mesh}: only ${b.sentBytes} bytes in the window`);
    assert.is(b.totalReceivedBytes, b.totalSentBytes, `${t.mesh}: the sink counted ${b.totalReceivedBytes} of the ${b.totalSentBytes} bytes written`);
    const received = throughputBitsPerSecond(b)!;
    const sent = sentBitsPerSecond(b)!;
    const gap = Math.abs(sent - received) / sent;
    rows.push(`${t.mesh}: sent ${(sent / 1e9).toFixed(3)} Gbit/s, received ${(received / 1e9).toFixed(3)} Gbit/s (${(gap * 100).toFixed(2)} % apart), bytes ${b.sentBytes}/${b.receivedBytes}, totals ${b.totalSentBytes}/${b.totalReceivedBytes}`);
    assert.ok(gap <= WINDOW_TOLERANCE, `${t.mesh}: sent ${sent} bit/s, received ${received} bit/s`);
    assert.is(t.load.requests, 0);
    assert.is(trialMetric(t, 'p99'), null, 'latency is not measured in bandwidth mode');
  }
  process.stdout.write(`\n${rows.join('\n')}\n`);
  const [, istio, ambient] = result.trials as Extract<(typeof result.trials)[number], { status: 'valid' }>[];
  assert.ok(trialMetric(istio!, 'sidecar_cpu_per_gbps')! > 0, 'the sidecars\' CPU per Gbit/s');
  assert.ok(trialMetric(ambient!, 'node_proxy_cpu_per_gbps')! > 0, 'the ztunnels\' CPU per Gbit/s');
  const folder = resultFolders(run.outDir)[0]!;
  const md = readFileSync(join(folder, 'summary.md'), 'utf8');
  assert.match(md, /\| Latency \| not measured in bandwidth mode \| not measured in bandwidth mode \|/);
  assert.match(md, /\| Node proxy CPU per Gbit\/s \(every ztunnel\) \|/);
  assert.not.match(run.stderr() + run.stdout(), /p50 0 µs/);
  assert.match(run.stderr() + run.stdout(), /valid: [\d.]+ Gbit\/s received over 2 connection/);
  await assertNothingLeft(result.runId, resultFolders(run.outDir));
  assert.equal(netnsLeft(result.runId), [], 'namespaces, links or iptables rules of the run are left');
});

test.run();
