/**
 * The local platform in the netns layout (as root, as CI runs): each mesh's trial as pods in
 * network namespaces, the loader run inside its pod and its result line handed back, sidecars
 * reached by capture, and istio-ambient's trial refused when its traffic did not cross the ztunnels.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeResultLine, mergeOutcomes } from '../../../src/load/result-line.ts';
import { decodeLiveLine } from '../../../src/load/live.ts';
import type { LiveLoad, LoadOutcome } from '../../../src/load/types.ts';
import { meshes } from '../../../src/meshes/index.ts';
import { LocalPlatform } from '../../../src/platforms/local/index.ts';
import { NetnsTopology } from '../../../src/platforms/local/netns/topology.ts';
import { findZtunnel } from '../../../src/platforms/local/ztunnel/binary.ts';
import type { Deployment, LoadWindowPhase, WatchedContainer } from '../../../src/platforms/types.ts';
import type { Trial } from '../../../src/scenario/plan.ts';
import { processesWith } from '../../helpers.ts';
import { leftovers } from './netns/netns-helpers.ts';
import { ztunnelOrBuild } from './ztunnel/ztunnel-helpers.ts';

const runId = `netns-platform-${process.pid}`;
const workload = { payloadBytes: 64, serviceDelayUs: 0, errorRate: 0 };
const trial = (index: number, mesh: string): Trial => ({ index, mesh, level: { id: 'c2-r200', connections: 2, targetRps: 200 }, repetition: 1 });

async function platform(): Promise<LocalPlatform> {
  await ztunnelOrBuild();
  return LocalPlatform.create({ runId, cpuCount: 2, requestTimeoutMs: 2_000, layout: 'netns', ztunnelPath: await findZtunnel(), load: { mode: 'rate', warmupMs: 200, durationMs: 1_000, timeoutMs: 2_000, jitter: 0, lagLimitUs: 50_000 } });
}

/** Runs the deployment's remote load as run/ would, with load/'s own decoder, and records what it was told. */
async function load(d: Deployment) {
  assert.is(d.load.where, 'remote');
  if (d.load.where !== 'remote') throw new Error('unreachable');
  const watched: WatchedContainer[][] = [];
  const phases: LoadWindowPhase[] = [];
  const live: LiveLoad[] = [];
  const r = await d.load.run<LoadOutcome>({
    signal: new AbortController().signal,
    decode: (out) => decodeResultLine(out).outcome,
    merge: mergeOutcomes,
    watch: (c) => {
      watched.push(c);
      return (p) => phases.push(p);
    },
    loaderLine: (line) => {
      const l = decodeLiveLine(line);
      if (l) live.push(l);
    },
  });
  return { outcome: r.merged, watched: watched[0] ?? [], phases, live };
}

const netnsOf = (pid: number) => execFileSync('ip', ['netns', 'identify', String(pid)], { encoding: 'utf8' }).trim();

test('none, istio and appmesh: the loader runs in its pod on node A and dials the workload pod on node B; the Envoy sidecars are reached by capture, as gid 1337', async () => {
  const p = await platform();
  try {
    for (const [index, mesh] of [[0, 'none'], [1, 'istio'], [3, 'appmesh']] as const) {
      const d = await p.deploy({ trial: trial(index, mesh), mesh: meshes[mesh], workload }, new AbortController().signal);
      const prefix = `meshbench-${runId}-t${index}-`;
      // The target is the workload pod's own address and app port, for every mesh: no proxy port is dialled.
      assert.is(d.load.targetUrl.href, 'http://198.18.2.2:8080/');
      const { outcome, watched, phases, live } = await load(d);
      assert.equal(phases, ['warmup', 'measure', 'drain']);
      // The loader in its pod tells its window's counts as it runs, on the stderr run/ reads.
      assert.ok(live.length >= 2 && live.at(-1)!.responses2xx <= outcome.ok.totalCount, `${mesh}: ${JSON.stringify(live)}`);
      assert.ok(outcome.ok.totalCount >= 150, `${mesh}: ${outcome.ok.totalCount} 2xx`);
      assert.is(outcome.error.totalCount + outcome.non2xx.totalCount, 0);
      const loader = watched.find((c) => c.role === 'loadgen');
      assert.ok(loader?.kind === 'process' && loader.pod === 'loadgen', 'the loader is watched as pod loadgen');
      const app = d.containers.find((c) => c.role === 'app');
      assert.ok(app?.kind === 'process');
      if (app?.kind === 'process') assert.is(netnsOf(app.pid), `${prefix}workload`);
      const sidecars = d.containers.filter((c) => c.role === 'sidecar');
      assert.is(sidecars.length, mesh === 'none' ? 0 : 2);
      for (const s of sidecars) {
        if (s.kind !== 'process') continue;
        assert.is(netnsOf(s.pid), `${prefix}${s.pod}`);
        // The capture rules leave gid 1337's connections alone, as istio-init's do.
        assert.match(readFileSync(`/proc/${s.pid}/status`, 'utf8'), /^Gid:\s+1337\s/m);
      }
      if (mesh !== 'none') assert.match(execFileSync('ip', ['netns', 'exec', `${prefix}loadgen`, 'iptables-save', '-t', 'nat'], { encoding: 'utf8' }), /-A ISTIO_OUTPUT -j ISTIO_REDIRECT/);
      await p.teardown(d);
      assert.equal(leftovers(prefix), [], `${mesh}: nothing of the trial is left`);
    }
  } finally {
    await p.close();
  }
  assert.equal(processesWith(runId), []);
});

test('istio on Envoy: a loader whose pod is no longer captured bypasses its sidecar, and the trial fails from Envoy\'s own counters', async () => {
  const p = await platform();
  try {
    const d = await p.deploy({ trial: trial(4, 'istio'), mesh: meshes.istio, workload }, new AbortController().signal);
    assert.is(d.meshLabel, 'istio (local: Envoy 1.40 sidecars with Istio\'s defaults, mTLS)');
    execFileSync('ip', ['netns', 'exec', `meshbench-${runId}-t4-loadgen`, 'iptables', '-t', 'nat', '-F']);
    const error = await load(d).then(() => null, (e: unknown) => e as { what?: string });
    assert.match(String(error?.what), /^requests did not cross the sidecar \(Envoy stats\): client sidecar: 0 outbound request\(s\), 0 sent upstream; server sidecar: \d+ inbound request\(s\)/);
    await p.teardown(d);
    assert.equal(leftovers(`meshbench-${runId}-t4-`), []);
  } finally {
    await p.close();
  }
  assert.equal(processesWith(runId), []);
});

test('istio-ambient: a loader whose pod is no longer redirected bypasses ztunnel A, and the trial fails saying so from the ztunnels\' counters', async () => {
  const p = await platform();
  try {
    const d = await p.deploy({ trial: trial(2, 'istio-ambient'), mesh: meshes['istio-ambient'], workload }, new AbortController().signal);
    assert.is(d.meshLabel, 'istio-ambient (local: ztunnel 1.30.3, HBONE mTLS, 2 nodes)');
    assert.equal(d.containers.filter((c) => c.role === 'node-proxy').map((c) => c.pod), ['node-a', 'node-b']);
    const loadgenNetns = `meshbench-${runId}-t2-loadgen`;
    for (const table of ['nat', 'mangle']) execFileSync('ip', ['netns', 'exec', loadgenNetns, 'iptables', '-t', table, '-F']);
    const error = await load(d).then(() => null, (e: unknown) => e as Error);
    assert.match(String(error?.message), /the load did not provably cross the ztunnels: ztunnel node-a opened 0 and ztunnel node-b accepted 0 mutual-TLS connection\(s\)/);
    assert.not.ok(d.lost?.aborted, 'nothing died: the data plane was bypassed');
    await p.teardown(d);
    assert.equal(leftovers(`meshbench-${runId}-t2-`), []);
  } finally {
    await p.close();
  }
  assert.equal(processesWith(runId), []);
});

test.after(async () => {
  await NetnsTopology.sweep(runId);
});

test.run();
