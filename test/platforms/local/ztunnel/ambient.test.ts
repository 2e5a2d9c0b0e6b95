/**
 * The real ambient data plane (as root, as CI runs; needs ztunnel 1.30.3, built by
 * scripts/ztunnel.sh): traffic crosses both ztunnels with mutual TLS, plaintext HBONE is refused,
 * and nothing remains after a run, an abort, or a ztunnel killed in the middle.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunError } from '../../../../src/errors.ts';
import { ProcfsCollector } from '../../../../src/collectors/procfs.ts';
import { NetnsTopology } from '../../../../src/platforms/local/netns/topology.ts';
import { AmbientDataPlane, AMBIENT_LABEL } from '../../../../src/platforms/local/ztunnel/ambient.ts';
import { sumOf } from '../../../../src/platforms/local/ztunnel/metrics.ts';
import { processesWith } from '../../../helpers.ts';
import { dialFrom, isAlive, leftovers } from '../netns/netns-helpers.ts';
import { processesOf, requestsFrom, startEchoApp, ztunnelOrBuild } from './ztunnel-helpers.ts';

const runId = `ambient-test-${process.pid}`;
const APP_PORT = 8080;
const LOADGEN = 'spiffe://cluster.local/ns/meshbench/sa/loadgen';
const WORKLOAD = 'spiffe://cluster.local/ns/meshbench/sa/workload';

interface Lab {
  topology: NetnsTopology;
  app: ChildProcess;
  workDir: string;
  ztunnelPath: string;
}

async function lab(scope: string): Promise<Lab> {
  const ztunnelPath = await ztunnelOrBuild();
  const workDir = await mkdtemp(join(tmpdir(), 'mb-zt-'));
  const topology = await NetnsTopology.create({ runId, scope });
  const app = await startEchoApp(topology.plan.pods.workload.netns, APP_PORT);
  return { topology, app, workDir, ztunnelPath };
}

function start(l: Lab, signal = new AbortController().signal, peerAuthentication: 'STRICT' | 'PERMISSIVE' = 'STRICT'): Promise<AmbientDataPlane> {
  return AmbientDataPlane.start({ topology: l.topology, ztunnelPath: l.ztunnelPath, workDir: l.workDir, runId, appPort: APP_PORT, peerAuthentication, signal });
}

/** Ends everything and says what is left: namespaces, links, rules, ztunnels, agents, the app. */
async function teardownAndList(l: Lab, dp: AmbientDataPlane | undefined): Promise<string[]> {
  await dp?.stop();
  await l.topology.teardown();
  const left = [
    ...leftovers(l.topology.plan.netnsPrefix),
    ...processesOf(l.ztunnelPath, l.workDir).map((p) => `ztunnel pid ${p}`),
    ...processesWith(runId).map((p) => `agent pid ${p}`),
    ...(isAlive(l.app.pid!) ? [`app pid ${l.app.pid}`] : []),
  ];
  await rm(l.workDir, { recursive: true, force: true });
  return left;
}

const opened = (s: Awaited<ReturnType<AmbientDataPlane['metrics']>>, reporter: string) =>
  sumOf(s, 'istio_tcp_connections_opened_total', { reporter, connection_security_policy: 'mutual_tls', source_principal: LOADGEN, destination_principal: WORKLOAD });

test('requests cross both ztunnels over mutual TLS, counted one connection each; plaintext HBONE is refused; nothing remains', async () => {
  const l = await lab('run');
  let dp: AmbientDataPlane | undefined;
  try {
    dp = await start(l);
    const losses: Error[] = [];
    dp.watchLoss((e) => losses.push(e));
    assert.is(dp.label, AMBIENT_LABEL);
    assert.is(AMBIENT_LABEL, 'istio-ambient (local: ztunnel 1.30.3, HBONE mTLS, 2 nodes)');
    const containers = dp.containers();
    assert.equal(containers.map((c) => [c.pod, c.container, c.role]), [['node-a', 'ztunnel', 'node-proxy'], ['node-b', 'ztunnel', 'node-proxy']]);
    for (const c of containers) assert.ok(processesOf(l.ztunnelPath, l.workDir).includes(c.pid), `pid ${c.pid} is the ztunnel itself`);

    const [a0, b0] = [await dp.metrics('node-a'), await dp.metrics('node-b')];
    const before = await dp.traffic();
    const window = await new ProcfsCollector({ intervalMs: 60_000 }).begin(containers.map((c) => ({ kind: 'process' as const, ...c })));
    const N = 200;
    const r = requestsFrom(l.topology.plan.pods.loadgen.netns, `http://${l.topology.plan.pods.workload.ip}:${APP_PORT}/`, N);
    const usage = await window.end();
    assert.equal(r.errors, []);
    assert.equal(r.statuses, Array(N).fill(200));
    // ztunnel B hands the app the loader pod's own address (original source kept), as in a cluster.
    assert.equal([...new Set(r.bodies)], [l.topology.plan.pods.loadgen.ip]);
    const [a1, b1] = [await dp.metrics('node-a'), await dp.metrics('node-b')];
    const after = await dp.traffic();
    assert.is(after['node-a'].mutualTlsConnectionsOpened.source - before['node-a'].mutualTlsConnectionsOpened.source, N);
    assert.is(after['node-b'].mutualTlsConnectionsOpened.destination - before['node-b'].mutualTlsConnectionsOpened.destination, N);
    assert.ok(after['node-b'].sentBytes > before['node-b'].sentBytes, 'bytes moved through ztunnel B');
    assert.is(opened(a1, 'source') - opened(a0, 'source'), N, 'ztunnel A opened one mTLS connection per request');
    assert.is(opened(b1, 'destination') - opened(b0, 'destination'), N, 'ztunnel B accepted one mTLS connection per request');
    assert.is(opened(a1, 'destination') + opened(b1, 'source'), 0, 'each ztunnel saw only its own side');
    // The procfs collector charges each ztunnel as its node's node-proxy, as it is: no change needed there.
    assert.equal(usage.map((u) => [u.pod, u.role]), [['node-a', 'node-proxy'], ['node-b', 'node-proxy']]);
    for (const u of usage) {
      assert.ok(u.cpuCores > 0, `${u.pod} ztunnel CPU is charged: ${u.cpuCores} cores`);
      assert.ok(u.memoryBytesMax > 1024 * 1024, `${u.pod} ztunnel RSS: ${u.memoryBytesMax} bytes`);
    }

    // The service address from the XDS file, port 80, reaches the app's port through ztunnel.
    const viaService = requestsFrom(l.topology.plan.pods.loadgen.netns, `http://${l.topology.plan.serviceIp}/`, 1);
    assert.equal(viaService.statuses, [200]);

    // HBONE port in plaintext, from outside the mesh (node A's namespace is not captured): no HTTP answer.
    const plaintext = dialFrom(l.topology.plan.nodes['node-a'].netns, l.topology.plan.pods.workload.ip, 15008, { send: 'CONNECT 198.18.2.2:8080 HTTP/1.1\r\nHost: x\r\n\r\n' });
    assert.not.match(plaintext, /HTTP\//);
    assert.is(plaintext.charCodeAt(0), 0x15, `a TLS alert record, got ${JSON.stringify(plaintext)}`);
    assert.not.match(plaintext, /TIMEOUT/, 'the server closed the connection');
    // STRICT: plaintext from outside the mesh to the app's own port is refused by ztunnel B, not served.
    const outside = dialFrom(l.topology.plan.nodes['node-a'].netns, l.topology.plan.pods.workload.ip, APP_PORT, { send: 'GET / HTTP/1.1\r\nHost: w\r\nConnection: close\r\n\r\n' });
    assert.not.match(outside, /HTTP\/1\.1 200/);
    await dp.stop();
    assert.equal(losses, [], 'an exit we asked for is not a loss');
  } finally {
    assert.equal(await teardownAndList(l, dp), []);
  }
});

test('PERMISSIVE (Istio\'s default) serves that same plaintext caller: the STRICT refusal above is the policy', async () => {
  const l = await lab('permissive');
  let dp: AmbientDataPlane | undefined;
  try {
    dp = await start(l, undefined, 'PERMISSIVE');
    const outside = dialFrom(l.topology.plan.nodes['node-a'].netns, l.topology.plan.pods.workload.ip, APP_PORT, { send: 'GET / HTTP/1.1\r\nHost: w\r\nConnection: close\r\n\r\n' });
    assert.match(outside, /^HTTP\/1\.1 200/);
  } finally {
    assert.equal(await teardownAndList(l, dp), []);
  }
});

test('a ztunnel killed in the middle is reported, and teardown still leaves nothing', async () => {
  const l = await lab('kill');
  let dp: AmbientDataPlane | undefined;
  try {
    dp = await start(l);
    const lost = new Promise<Error>((resolve) => dp!.watchLoss(resolve));
    process.kill(dp.containers()[0]!.pid, 'SIGKILL');
    const error = await lost;
    assert.match(error.message, /ztunnel-node-a exited with signal SIGKILL/);
    assert.match((error as RunError).fix ?? '', /its last output: .*marking server ready/);
    // With its node's ztunnel gone, the loader pod's traffic goes nowhere: it is captured, not bypassed.
    const r = requestsFrom(l.topology.plan.pods.loadgen.netns, `http://${l.topology.plan.pods.workload.ip}:${APP_PORT}/`, 1);
    assert.equal(r.statuses, []);
    assert.equal(r.errors, ['ECONNREFUSED']);
  } finally {
    assert.equal(await teardownAndList(l, dp), []);
  }
});

test('an abort during start-up stops what had started; teardown leaves nothing', async () => {
  const l = await lab('abort');
  const ac = new AbortController();
  const starting = start(l, ac.signal);
  ac.abort(new Error('interrupted'));
  await starting.then(
    () => assert.unreachable('start should fail'),
    (e: unknown) => assert.match(String(e), /interrupted/),
  );
  assert.equal(await teardownAndList(l, undefined), []);
});

test('a harness killed with SIGKILL (no hook of ours runs) takes its ztunnels and agents with it; sweep(runId) removes the namespaces', async () => {
  const ztunnelPath = await ztunnelOrBuild();
  const workDir = await mkdtemp(join(tmpdir(), 'mb-zt-'));
  const script = `
    const [{ NetnsTopology }, { AmbientDataPlane }] = await Promise.all([import(process.argv[1]), import(process.argv[2])]);
    const [ztunnelPath, workDir, runId] = process.argv.slice(3);
    const topology = await NetnsTopology.create({ runId, scope: 'harness' });
    const dp = await AmbientDataPlane.start({ topology, ztunnelPath, workDir, runId, appPort: 8080, signal: new AbortController().signal });
    console.log('UP ' + dp.containers().map((c) => c.pid).join(' '));
    setInterval(() => {}, 1000);`;
  const modules = ['netns/topology.ts', 'ztunnel/ambient.ts'].map((m) => fileURLToPath(new URL(`../../../../src/platforms/local/${m}`, import.meta.url)));
  const harness = spawn(process.execPath, ['--input-type=module', '-e', script, ...modules, ztunnelPath, workDir, runId], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pids = await new Promise<number[]>((resolve) => harness.stdout.on('data', (d: Buffer) => /^UP /.test(d.toString()) && resolve(d.toString().slice(3).trim().split(' ').map(Number))));
  assert.is(pids.length, 2);
  harness.kill('SIGKILL');
  await new Promise((resolve) => harness.once('exit', resolve));
  // The kernel's parent-death signal (processes.ts) ends them; wait for that, bounded (not a timing assertion).
  for (let i = 0; i < 100 && (pids.some(isAlive) || processesWith(runId).length > 0); i++) await sleep(50);
  assert.equal(pids.filter(isAlive), [], 'no ztunnel outlives the harness');
  assert.equal(processesWith(runId), [], 'no ZDS agent outlives the harness');
  // Namespaces are not processes: they stay until a sweep.
  assert.is(leftovers(`meshbench-${runId}-harness`).length, 4);
  await NetnsTopology.sweep(runId);
  assert.equal(leftovers(`meshbench-${runId}-harness`), []);
  await rm(workDir, { recursive: true, force: true });
});

test.after(async () => {
  await NetnsTopology.sweep(runId);
});

test.run();
