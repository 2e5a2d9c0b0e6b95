/**
 * `local.control: istiod` for real (root, as CI runs; needs Envoy, Istio's binaries and the API tier
 * built): an istio trial whose two Envoy sidecars get their config from istiod through pilot-agent.
 * istiod's own sync status shows every push acked by both; STRICT PeerAuthentication refuses a
 * plaintext request that skips the client's sidecar; the Envoy-stats crossing and mTLS checks hold,
 * and fail the trial when the loader's pod is no longer captured. Everything is gone afterwards.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeResultLine, mergeOutcomes } from '../../../../src/load/result-line.ts';
import type { LoadOutcome } from '../../../../src/load/types.ts';
import { meshes } from '../../../../src/meshes/index.ts';
import { LocalPlatform } from '../../../../src/platforms/local/index.ts';
import { notSynced, parseSyncz } from '../../../../src/platforms/local/istiod/sync.ts';
import { fetchInNetns } from '../../../../src/platforms/local/netns/exec.ts';
import { NetnsTopology } from '../../../../src/platforms/local/netns/topology.ts';
import type { Deployment } from '../../../../src/platforms/types.ts';
import type { Trial } from '../../../../src/scenario/plan.ts';
import { processesWith } from '../../../helpers.ts';
import { isAlive, leftovers } from '../netns/netns-helpers.ts';

const runId = `istiod-platform-${process.pid}`;
const workload = { payloadBytes: 64, serviceDelayUs: 0, errorRate: 0 };
const trial = (index: number): Trial => ({ index, mesh: 'istio', level: { id: 'c2-r200', connections: 2, targetRps: 200 }, repetition: 1 });
const quietEnv = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' };

function platform(): Promise<LocalPlatform> {
  return LocalPlatform.create({ runId, cpuCount: 2, requestTimeoutMs: 2_000, readyTimeoutMs: 30_000, layout: 'netns', control: 'istiod', load: { mode: 'rate', warmupMs: 200, durationMs: 1_000, timeoutMs: 2_000, jitter: 0, lagLimitUs: 50_000 } });
}

async function load(d: Deployment): Promise<LoadOutcome> {
  if (d.load.where !== 'remote') throw new Error('the netns layout loads from the loader pod');
  const r = await d.load.run<LoadOutcome>({ signal: new AbortController().signal, decode: (out) => decodeResultLine(out).outcome, merge: mergeOutcomes, watch: () => () => {}, loaderLine: () => {} });
  return r.merged;
}

/** A GET from the loader pod, as root (captured: through its sidecar) or as gid 1337 (not captured: plaintext, straight to the workload pod). */
function getFrom(netns: string, url: string, asProxyGid: boolean): string {
  const script = `const r = await fetch(process.argv[1], { signal: AbortSignal.timeout(3000) }).then((r) => 'HTTP ' + r.status, (e) => 'ERROR ' + (e.cause?.code ?? e.name)); process.stdout.write(r);`;
  const node = [process.execPath, '--input-type=module', '-e', script, url];
  const argv = asProxyGid ? ['netns', 'exec', netns, 'setpriv', '--regid=1337', '--clear-groups', '--', ...node] : ['netns', 'exec', netns, ...node];
  return spawnSync('ip', argv, { encoding: 'utf8', env: quietEnv, timeout: 10_000 }).stdout;
}

/** Children of a Go process: any of its threads may have forked them, so every task is read. */
const childrenOf = (pid: number): number[] =>
  readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number));

test('istio with control: istiod: istiod drives both Envoys through pilot-agent; every push acked; STRICT refuses plaintext; the load crosses both over mTLS', async () => {
  const p = await platform();
  assert.is(p.components.control, 'istiod');
  assert.is(p.components.istiod, '1.31-dev+eed52ebb66ad');
  const envoys: number[] = [];
  try {
    const t0 = Date.now();
    const d = await p.deploy({ trial: trial(5), mesh: meshes.istio, workload }, new AbortController().signal);
    const cp = await p.istiodControl!;
    console.log(`  first istiod trial ready in ${Date.now() - t0} ms (tier + istiod ${cp.startupMs} ms)`);
    assert.is(d.meshLabel, 'istio (local: istiod 1.31-dev+eed52ebb66ad driving Envoy 1.40 sidecars via pilot-agent, mTLS, no Istio telemetry filters)');
    assert.is(d.load.targetUrl.href, 'http://198.18.2.2:8080/');
    const sidecars = d.containers.filter((c) => c.role === 'sidecar');
    assert.equal(sidecars.map((c) => `${c.pod}/${c.container}`), ['loadgen/istio-proxy', 'workload/istio-proxy']);
    for (const s of sidecars) {
      if (s.kind !== 'process') continue;
      // The agent's child is the upstream Envoy, and both run as gid 1337, which istio-iptables leaves alone.
      const [envoy] = childrenOf(s.pid);
      assert.ok(envoy, `${s.pod}: pilot-agent has a child`);
      envoys.push(envoy!);
      assert.match(readFileSync(`/proc/${envoy}/cmdline`, 'utf8'), /envoy-1\.40\.0\/envoy\0/);
      assert.match(readFileSync(`/proc/${envoy}/status`, 'utf8'), /^Gid:\s+1337\s/m);
    }

    // istiod's own sync status: both proxies connected, every type sent acked.
    const status = parseSyncz(await cp.debug('/debug/syncz'));
    const ids = ['loadgen.meshbench-t5', 'workload.meshbench-t5'];
    assert.is(notSynced(status, ids), null);
    for (const id of ids) {
      const types = status.find((s) => s.proxy === id || s.proxy.includes(`~${id}~`))!.types.map((t) => t.type);
      for (const t of ['cluster', 'listener']) assert.ok(types.some((x) => x.includes(t)), `${id}: ${t} pushed (${types.join(', ')})`);
    }

    // The capture is pilot-agent's own istio-iptables.
    assert.match(execFileSync('ip', ['netns', 'exec', `meshbench-${runId}-t5-workload`, 'iptables-save', '-t', 'nat'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }), /-A ISTIO_INBOUND -p tcp -j ISTIO_IN_REDIRECT/);

    // STRICT: plaintext that skips the client's sidecar is refused; the same request through it is served.
    const netns = `meshbench-${runId}-t5-loadgen`;
    assert.match(getFrom(netns, 'http://198.18.2.2:8080/', true), /^ERROR /);
    assert.is(getFrom(netns, 'http://198.18.2.2:8080/', false), 'HTTP 200');

    // The identities are istiod's: the client's cluster accepts only the workload's SPIFFE id, which the server's certificate carries.
    const workloadId = 'spiffe://cluster.local/ns/meshbench-t5/sa/workload';
    const clusters = await fetchInNetns(netns, 'http://127.0.0.1:15000/config_dump?resource=dynamic_active_clusters');
    const outbound = (JSON.parse(clusters!) as { configs: { cluster: { name: string } }[] }).configs.find((c) => c.cluster.name === 'outbound|8080||workload.meshbench-t5.svc.cluster.local');
    assert.ok(JSON.stringify(outbound).includes(workloadId), 'the outbound cluster verifies the workload\'s SPIFFE id');
    assert.ok((await fetchInNetns(`meshbench-${runId}-t5-workload`, 'http://127.0.0.1:15000/certs'))?.includes(workloadId), 'the server\'s certificate is the workload\'s, issued by istiod');

    const outcome = await load(d);
    assert.ok(outcome.ok.totalCount >= 150, `${outcome.ok.totalCount} 2xx`);
    assert.is(outcome.error.totalCount + outcome.non2xx.totalCount, 0);
    await p.teardown(d);
    assert.equal(leftovers(`meshbench-${runId}-t5-`), [], 'nothing of the trial is left');
    for (const pid of envoys) assert.not.ok(isAlive(pid), `Envoy ${pid} stopped`);
    // A later trial of the run reuses istiod: its start-up is its own pods and sidecars.
    const t1 = Date.now();
    const again = await p.deploy({ trial: trial(9), mesh: meshes.istio, workload }, new AbortController().signal);
    console.log(`  a later istiod trial ready in ${Date.now() - t1} ms`);
    await p.teardown(again);
  } finally {
    await p.close();
  }
  assert.equal(processesWith(runId), [], 'the tier and istiod are stopped');
});

test('istio with control: istiod: a loader whose pod is no longer captured bypasses its sidecar, and the trial fails from Envoy\'s own counters', async () => {
  const p = await platform();
  try {
    const d = await p.deploy({ trial: trial(6), mesh: meshes.istio, workload }, new AbortController().signal);
    execFileSync('ip', ['netns', 'exec', `meshbench-${runId}-t6-loadgen`, 'iptables', '-t', 'nat', '-F']);
    const error = await load(d).then(() => null, (e: unknown) => e as { what?: string });
    // STRICT refuses the bypassing plaintext: nothing is served, and the counters say why.
    assert.match(String(error?.what), /^requests did not cross the sidecar \(Envoy stats\): client sidecar: 0 outbound request\(s\), 0 sent upstream/);
    await p.teardown(d);
  } finally {
    await p.close();
  }
  assert.equal(processesWith(runId), []);
});

test('istio with control: istiod: a meshbench that exits without closing its platform leaves no Envoy, istiod or tier behind', async () => {
  const forcedId = `${runId}-exit`;
  const src = (path: string) => new URL(`../../../../src/${path}`, import.meta.url).href;
  // A child run that deploys a trial and exits at once: only the exit hooks stand between it and leftovers.
  const script = `
    const { LocalPlatform } = await import(${JSON.stringify(src('platforms/local/index.ts'))});
    const { meshes } = await import(${JSON.stringify(src('meshes/index.ts'))});
    const p = await LocalPlatform.create({ runId: ${JSON.stringify(forcedId)}, cpuCount: 2, requestTimeoutMs: 2000, readyTimeoutMs: 30000, layout: 'netns', control: 'istiod', load: { mode: 'rate', warmupMs: 200, durationMs: 1000, timeoutMs: 2000, jitter: 0, lagLimitUs: 50000 } });
    const d = await p.deploy({ trial: { index: 8, mesh: 'istio', level: { id: 'x', connections: 2, targetRps: 200 }, repetition: 1 }, mesh: meshes.istio, workload: { payloadBytes: 64, serviceDelayUs: 0, errorRate: 0 } }, new AbortController().signal);
    const { readdirSync, readFileSync } = await import('node:fs');
    const agents = d.containers.filter((c) => c.role === 'sidecar').map((c) => c.pid);
    const envoys = agents.flatMap((pid) => readdirSync('/proc/' + pid + '/task').flatMap((t) => readFileSync('/proc/' + pid + '/task/' + t + '/children', 'utf8').split(/\\s+/).filter(Boolean).map(Number)));
    console.log(JSON.stringify({ agents, envoys }));
    process.exit(0);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...quietEnv, HOME: process.env.HOME ?? '/root' }, timeout: 120_000 });
  assert.is(r.status, 0, r.stderr);
  const { agents, envoys } = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { agents: number[]; envoys: number[] };
  assert.is(agents.length, 2);
  assert.is(envoys.length, 2, 'each agent had started its Envoy');
  // pilot-agent sets its Envoy no parent-death signal: the trial's netns guard reaps it; the tier is stopped by the control plane's exit hook.
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const pid of [...agents, ...envoys]) assert.not.ok(isAlive(pid), `${pid} stopped`);
  assert.equal(processesWith(forcedId), [], 'the tier and istiod are stopped');
  await NetnsTopology.sweep(forcedId);
});

test.after(async () => {
  await NetnsTopology.sweep(runId);
});

test.run();
