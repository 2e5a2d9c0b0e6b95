/**
 * Real Envoy 1.40 sidecars on loopback (the binary ./scripts/setup.sh installs): istio's upstream is
 * mutual TLS to the peer's SPIFFE identity, appmesh's plaintext, and a trial whose load goes around
 * the sidecars fails from Envoy's own counters.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { engineFor } from '../../../../src/load/index.ts';
import { APPMESH_ENVOY_DEFAULTS } from '../../../../src/meshes/appmesh.ts';
import { ISTIO_ENVOY_DEFAULTS } from '../../../../src/meshes/istio.ts';
import { meshes } from '../../../../src/meshes/index.ts';
import { createMeshCertificates } from '../../../../src/platforms/local/certs.ts';
import { findEnvoy } from '../../../../src/platforms/local/envoy/binary.ts';
import { EnvoySidecars } from '../../../../src/platforms/local/envoy/sidecars.ts';
import { missingCrossing } from '../../../../src/platforms/local/envoy/stats.ts';
import { LocalPlatform } from '../../../../src/platforms/local/index.ts';
import type { Deployment, DeployRequest, Platform } from '../../../../src/platforms/types.ts';
import { executeRun } from '../../../../src/run/orchestrator.ts';
import { silentProgress } from '../../../../src/run/progress.ts';
import { expandPlan } from '../../../../src/scenario/plan.ts';
import { resolveScenario } from '../../../../src/scenario/resolve.ts';
import { ScenarioSchema } from '../../../../src/scenario/schema.ts';
import { processesWith } from '../../../helpers.ts';

const runId = `envoy-test-${process.pid}`;
const signal = new AbortController().signal;

/** An app that answers 200 and keeps the headers of the last request (Envoy's XFCC among them). */
async function app() {
  let last: IncomingHttpHeaders = {};
  const server = createServer((req, res) => {
    last = req.headers;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, headers: () => last, close: () => new Promise((r) => server.close(r)) };
}

async function get(url: URL | string, times = 1): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < times; i++) codes.push(await fetch(url, { signal: AbortSignal.timeout(5_000) }).then(async (r) => (await r.text(), r.status), () => 0));
  return codes;
}

async function sidecars(defaults: typeof ISTIO_ENVOY_DEFAULTS, mtls: boolean, tweak?: (c: Awaited<ReturnType<typeof createMeshCertificates>>) => void) {
  const dir = mkdtempSync(join(tmpdir(), `meshbench-${runId}-`));
  const a = await app();
  const certs = mtls ? await createMeshCertificates(dir) : null;
  if (certs) tweak?.(certs);
  const envoy = await EnvoySidecars.start({ envoyPath: (await findEnvoy()).path, defaults, certs, layout: { kind: 'loopback', appPort: a.port }, dir, tag: 't1', container: 'envoy', readyTimeoutMs: 15_000, signal });
  const done = async () => {
    await envoy.stop();
    await a.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { envoy, app: a, done };
}

test('istio: the upstream is mutual TLS to the workload\'s SPIFFE identity, and the app sees the loader\'s identity as Envoy verified it', async () => {
  const { envoy, app: a, done } = await sidecars(ISTIO_ENVOY_DEFAULTS, true);
  try {
    const before = await envoy.traffic();
    assert.equal(await get(envoy.loopbackTarget, 20), Array(20).fill(200));
    const after = await envoy.traffic();
    assert.ok(after.loadgen.upstreamTlsHandshakes >= 1, `handshakes: ${after.loadgen.upstreamTlsHandshakes}`);
    assert.ok(after.workload.inboundTlsHandshakes >= 1);
    assert.is(after.loadgen.upstreamSanMismatches, 0);
    assert.is(after.workload.inboundRequests - before.workload.inboundRequests, 20);
    assert.is(missingCrossing({ client: { before: before.loadgen, after: after.loadgen }, server: { before: before.workload, after: after.workload } }, true), null);
    await envoy.requireCrossed(before);
    // The inbound sidecar's X-Forwarded-Client-Cert: its own identity (By) and the client certificate's URI SAN.
    const xfcc = String(a.headers()['x-forwarded-client-cert']);
    assert.match(xfcc, /By=spiffe:\/\/cluster\.local\/ns\/meshbench\/sa\/workload;/);
    assert.match(xfcc, /URI=spiffe:\/\/cluster\.local\/ns\/meshbench\/sa\/loadgen/);
  } finally {
    await done();
  }
});

test('istio: a peer with another SPIFFE identity is refused (Envoy counts the SAN mismatch) and the trial check says so', async () => {
  const { envoy, done } = await sidecars(ISTIO_ENVOY_DEFAULTS, true, (c) => {
    // The loader's sidecar now expects an identity the workload's certificate does not carry.
    c.identities!.workload = { ...c.identities!.workload, spiffeId: 'spiffe://cluster.local/ns/meshbench/sa/impostor' };
  });
  try {
    const before = await envoy.traffic();
    assert.equal(await get(envoy.loopbackTarget, 3), [503, 503, 503]);
    const after = await envoy.traffic();
    assert.ok(after.loadgen.upstreamSanMismatches >= 1, `SAN mismatches: ${after.loadgen.upstreamSanMismatches}`);
    assert.is(after.loadgen.upstreamTlsHandshakes, 0);
    const error = await envoy.requireCrossed(before).then(() => null, (e: { what?: string }) => e);
    assert.match(String(error?.what), /^requests did not cross the sidecar \(Envoy stats\)/);
  } finally {
    await done();
  }
});

test('appmesh: plaintext between the sidecars (connections, no TLS handshake), the inbound side takes plain HTTP', async () => {
  const { envoy, done } = await sidecars(APPMESH_ENVOY_DEFAULTS, false);
  try {
    const before = await envoy.traffic();
    assert.equal(await get(envoy.loopbackTarget, 10), Array(10).fill(200));
    const inbound = envoy.sidecars.find((s) => s.pod === 'workload')!.plan.inbound.listen;
    assert.equal(await get(`http://127.0.0.1:${inbound.port}/`), [200]);
    const after = await envoy.traffic();
    assert.ok(after.loadgen.upstreamConnections >= 1);
    assert.is(after.loadgen.upstreamTlsHandshakes, 0);
    assert.is(after.workload.inboundTlsHandshakes, 0);
    await envoy.requireCrossed(before);
  } finally {
    await done();
  }
});

/** Deploys with the real local platform, then points the load straight at the workload app: both sidecars bypassed. */
class BypassingPlatform implements Platform {
  readonly name = 'local';
  readonly layout = 'loopback' as const;
  readonly inner: LocalPlatform;
  constructor(inner: LocalPlatform) {
    this.inner = inner;
  }
  get components() {
    return this.inner.components;
  }
  async deploy(req: DeployRequest, s: AbortSignal): Promise<Deployment> {
    const d = await this.inner.deploy(req, s);
    const bootstrap = JSON.parse(readFileSync(join(this.inner.workDir, `sidecar-workload-t${req.trial.index}.json`), 'utf8')) as { static_resources: { clusters: { name: string; load_assignment: { endpoints: { lb_endpoints: { endpoint: { address: { socket_address: { port_value: number } } } }[] }[] } }[] } };
    const appPort = bootstrap.static_resources.clusters[1]!.load_assignment.endpoints[0]!.lb_endpoints[0]!.endpoint.address.socket_address.port_value;
    assert.ok(d.load.where === 'in-process' && d.load.checks, 'Envoy sidecars give the load checks');
    return { ...d, load: { ...d.load, targetUrl: new URL(`http://127.0.0.1:${appPort}/`) } };
  }
  teardown(d: Deployment) {
    return this.inner.teardown(d);
  }
  close() {
    return this.inner.close();
  }
}

test('a trial whose load goes straight to the app fails with "requests did not cross the sidecar (Envoy stats)"', async () => {
  const scenario = resolveScenario(ScenarioSchema.parse({ name: 'bypass', meshes: ['istio'], load: { mode: 'rate', rate: 100, connections: 1, warmup: '200ms', duration: '600ms', schedulerLagLimit: '50ms' }, repetitions: 1 }));
  const inner = await LocalPlatform.create({ runId, cpuCount: 2, requestTimeoutMs: 2_000 });
  const platform = new BypassingPlatform(inner);
  try {
    const result = await executeRun({
      runId, meshbenchVersion: 't', startedAt: new Date(), scenarioFile: 'x.yaml', scenarioHash: 'h', scenario, trials: expandPlan(scenario), estimatedMs: 0,
      environment: { platform: 'local', layout: 'loopback', hostname: 'h', os: 'o', kernel: 'k', cpuModel: 'c', cpuCount: 2, memoryBytes: 1, node: 'v', components: { ...inner.components }, caveats: [] },
      platform, engine: engineFor({ mode: 'rate', lagLimitUs: 50_000 }), collectors: [], progress: silentProgress, persist: async () => {}, signal,
    });
    const [trial] = result.trials;
    assert.ok(trial?.status === 'failed', JSON.stringify(trial));
    if (trial?.status !== 'failed') return;
    assert.match(trial.error.what, /^requests did not cross the sidecar \(Envoy stats\): client sidecar: 0 outbound request\(s\), 0 sent upstream; server sidecar: 0 inbound request\(s\)/);
    assert.match(trial.meshLabel ?? '', /^istio \(local: Envoy 1\.40 sidecars with Istio's defaults, mTLS\)$/);
  } finally {
    await platform.close();
  }
  assert.equal(processesWith(runId), []);
});

test('the platform: Envoy by default, its build in the environment, both pods\' sidecars watched under the mesh\'s container name', async () => {
  const platform = await LocalPlatform.create({ runId, cpuCount: 2, requestTimeoutMs: 2_000 });
  try {
    assert.equal(Object.keys(platform.components), ['sidecar', 'envoy']);
    assert.match(platform.components.envoy ?? '', /\/1\.40\.0\/Clean\/RELEASE\/BoringSSL$/);
    const workload = { payloadBytes: 256, serviceDelayUs: 0, errorRate: 0 };
    const d = await platform.deploy({ trial: { index: 7, mesh: 'appmesh', level: { id: 'c1', connections: 1, targetRps: null }, repetition: 1 }, mesh: meshes.appmesh, workload }, signal);
    assert.is(d.meshLabel, 'appmesh (local: Envoy 1.40 sidecars with App Mesh\'s defaults, plaintext)');
    assert.equal(d.containers.map((c) => [c.pod, c.container, c.role]), [['workload', 'app', 'app'], ['loadgen', 'envoy', 'sidecar'], ['workload', 'envoy', 'sidecar'], ['loadgen', 'loadgen', 'loadgen']]);
    assert.equal(await get(d.load.targetUrl, 3), [200, 200, 200]);
    await platform.teardown(d);
  } finally {
    await platform.close();
  }
  assert.equal(processesWith(runId), []);
});

test.run();
