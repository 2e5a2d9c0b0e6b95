/** Real HAProxy sidecars on loopback: the mesh profiles' data paths and their security. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RunError } from '../../../src/errors.ts';
import { meshes } from '../../../src/meshes/index.ts';
import { inboundSidecarConfig, outboundSidecarConfig, startHaproxy } from '../../../src/platforms/local/haproxy.ts';
import { waitForPort } from '../../../src/platforms/local/readiness.ts';
import { LocalPlatform } from '../../../src/platforms/local/index.ts';
import type { Deployment } from '../../../src/platforms/types.ts';
import type { MeshName } from '../../../src/meshes/index.ts';
import { processesWith } from '../../helpers.ts';

const certs = { caFile: '/ca.crt', serverPemFile: '/server.pem', clientPemFile: '/client.pem', serverName: 'workload.meshbench.local' };
const sidecar = { threads: 2, listenPort: 1001, upstreamPort: 1002, requestTimeoutMs: 10_000 };
const sidecar0 = { threads: 1, listenPort: 0, upstreamPort: 1, requestTimeoutMs: 1_000 };

test('istio-style inbound sidecar requires a client certificate signed by the run CA', () => {
  const cfg = inboundSidecarConfig(sidecar, certs);
  assert.match(cfg, /bind 127\.0\.0\.1:1001 ssl crt \/server\.pem ca-file \/ca\.crt verify required/);
  assert.match(cfg, /nbthread 2/);
  assert.match(cfg, /server app 127\.0\.0\.1:1002\n/);
});

test('outbound sidecar verifies the server identity and presents its own', () => {
  const cfg = outboundSidecarConfig(sidecar, certs);
  assert.match(cfg, /server inbound 127\.0\.0\.1:1002 ssl crt \/client\.pem ca-file \/ca\.crt verify required verifyhost workload\.meshbench\.local/);
});

test('plaintext profile has no TLS at all', () => {
  assert.not.match(inboundSidecarConfig(sidecar, null), /ssl/);
  assert.not.match(outboundSidecarConfig(sidecar, null), /ssl/);
});

test('h2c and grpc: HTTP/2 on every hop (proto h2 in plaintext, ALPN h2 over mTLS); tcp, https and h2: mode tcp without HTTP options', () => {
  for (const protocol of ['h2c', 'grpc'] as const) {
    const c = { ...sidecar, protocol };
    assert.match(inboundSidecarConfig(c, certs), /bind 127\.0\.0\.1:1001 ssl .* alpn h2\n[\s\S]*server app 127\.0\.0\.1:1002 proto h2\n/);
    assert.match(inboundSidecarConfig(c, null), /bind 127\.0\.0\.1:1001 proto h2\n/);
    assert.match(outboundSidecarConfig(c, certs), /bind 127\.0\.0\.1:1001 proto h2\n[\s\S]*server inbound 127\.0\.0\.1:1002 ssl .* alpn h2\n/);
    assert.match(outboundSidecarConfig(c, null), /server inbound 127\.0\.0\.1:1002 proto h2\n/);
    assert.match(inboundSidecarConfig(c, null), /mode http/);
  }
  // The workload's own TLS is bytes to HAProxy: carried exactly as tcp.
  for (const protocol of ['https', 'h2'] as const) {
    assert.is(inboundSidecarConfig({ ...sidecar, protocol }, certs), inboundSidecarConfig({ ...sidecar, protocol: 'tcp' }, certs), protocol);
    assert.is(outboundSidecarConfig({ ...sidecar, protocol }, null), outboundSidecarConfig({ ...sidecar, protocol: 'tcp' }, null), protocol);
  }
  for (const cfg of [inboundSidecarConfig({ ...sidecar, protocol: 'tcp' }, certs), outboundSidecarConfig({ ...sidecar, protocol: 'tcp' }, certs)]) {
    assert.match(cfg, /mode tcp\n/);
    assert.not.match(cfg, /mode http|http-reuse|http-keep-alive|proto h2/);
  }
  assert.match(inboundSidecarConfig({ ...sidecar, protocol: 'tcp' }, certs), /verify required alpn http\/1\.1/, 'tcp over mTLS: the ALPN is unused, the client certificate still required');
});

const workload = { payloadBytes: 512, serviceDelayUs: 0, errorRate: 0 };
const runId = `sidecar-test-${process.pid}`;

async function deploy(platform: LocalPlatform, mesh: MeshName, index: number): Promise<Deployment> {
  return platform.deploy(
    { trial: { index, mesh, level: { id: 'c1', connections: 1, targetRps: null }, repetition: 1 }, mesh: meshes[mesh], workload },
    new AbortController().signal,
  );
}

function inboundPort(platform: LocalPlatform, index: number): number {
  const cfg = readFileSync(join(platform.workDir, `sidecar-inbound-t${index}.cfg`), 'utf8');
  return Number(/bind 127\.0\.0\.1:(\d+)/.exec(cfg)?.[1]);
}

function httpStatus(port: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
}

/** Sends a request over TLS with or without a client certificate; the HTTP status or the failure. */
function tlsStatus(port: number, platform: LocalPlatform, withClientCert: boolean): Promise<number | string> {
  return new Promise((resolve) => {
    const pem = withClientCert ? readFileSync(join(platform.workDir, 'loadgen.pem')) : undefined;
    const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'workload.meshbench.local', ca: readFileSync(join(platform.workDir, 'ca.crt')), ...(pem ? { cert: pem, key: pem } : {}) });
    let data = '';
    socket.on('secureConnect', () => socket.write('GET / HTTP/1.1\r\nHost: workload\r\nConnection: close\r\n\r\n'));
    socket.on('data', (d) => (data += d.toString()));
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1]) || 'closed without an HTTP response'));
  });
}

test('istio emulation: traffic flows through mTLS sidecars; the inbound sidecar refuses plaintext and anonymous TLS', async () => {
  const platform = await LocalPlatform.create({ sidecar: 'haproxy', runId, cpuCount: 2, requestTimeoutMs: 10_000 });
  try {
    const d = await deploy(platform, 'istio', 0);
    assert.match(d.meshLabel, /^istio \(local emulation: HAProxy \d+\.\d+ sidecars, mTLS, 2 threads\)$/);
    assert.equal(d.containers.map((c) => [c.pod, c.container, c.role]), [
      ['workload', 'app', 'app'],
      ['workload', 'sidecar-inbound', 'sidecar'],
      ['loadgen', 'sidecar-outbound', 'sidecar'],
      ['loadgen', 'loadgen', 'loadgen'],
    ]);
    assert.is(await httpStatus(Number(d.load.targetUrl.port)), 200);
    const port = inboundPort(platform, 0);
    const plaintext = await httpStatus(port);
    assert.type(plaintext, 'string', `plaintext got HTTP ${plaintext}`);
    const anonymous = await tlsStatus(port, platform, false);
    assert.type(anonymous, 'string', `TLS without a client certificate got HTTP ${anonymous}`);
    assert.is(await tlsStatus(port, platform, true), 200);
    await platform.teardown(d);
    for (const c of d.containers) {
      if (c.kind !== 'process' || c.role === 'loadgen') continue;
      assert.not.ok(existsSync(`/proc/${c.pid}`) && !readFileSync(`/proc/${c.pid}/status`, 'utf8').includes('State:\tZ'), `${c.container} still runs`);
    }
  } finally {
    await platform.close();
  }
  assert.equal(processesWith(runId), []);
  assert.not.ok(existsSync(platform.workDir), 'the working folder with keys was left behind');
});

test('appmesh emulation: plaintext between sidecars, one proxy thread per core', async () => {
  const platform = await LocalPlatform.create({ sidecar: 'haproxy', runId, cpuCount: 3, requestTimeoutMs: 10_000 });
  try {
    const d = await deploy(platform, 'appmesh', 1);
    assert.match(d.meshLabel, /plaintext, 3 threads\)$/);
    assert.is(await httpStatus(inboundPort(platform, 1)), 200);
    assert.is(await httpStatus(Number(d.load.targetUrl.port)), 200);
  } finally {
    await platform.close();
  }
  assert.equal(processesWith(runId), []);
});

test('none: the target is the workload itself', async () => {
  const platform = await LocalPlatform.create({ sidecar: 'haproxy', runId, cpuCount: 2, requestTimeoutMs: 10_000 });
  try {
    const d = await deploy(platform, 'none', 2);
    assert.equal(d.containers.map((c) => c.role), ['app', 'loadgen']);
    assert.is(await httpStatus(Number(d.load.targetUrl.port)), 200);
  } finally {
    await platform.close();
  }
});

test('a deployment reports a process that dies on its own, naming it, and not the ones teardown stops', async () => {
  const platform = await LocalPlatform.create({ sidecar: 'haproxy', runId, cpuCount: 2, requestTimeoutMs: 10_000 });
  try {
    const d = await deploy(platform, 'appmesh', 4);
    const outbound = d.containers.find((c) => c.container === 'sidecar-outbound');
    assert.ok(d.lost && outbound?.kind === 'process');
    if (!d.lost || outbound?.kind !== 'process') return;
    const lost = new Promise<unknown>((resolve) => d.lost!.addEventListener('abort', () => resolve(d.lost!.reason), { once: true }));
    process.kill(outbound.pid, 'SIGKILL');
    const reason = await Promise.race([lost, new Promise((r) => setTimeout(() => r('not reported within 2 s'), 2_000))]);
    assert.is((reason as Error).message, 'sidecar-outbound-t4: sidecar-outbound-t4 exited with signal SIGKILL');
    await platform.teardown(d);

    const calm = await deploy(platform, 'appmesh', 5);
    await platform.teardown(calm);
    await new Promise((r) => setTimeout(r, 100));
    assert.not.ok(calm.lost?.aborted, 'teardown was reported as a lost process');
  } finally {
    await platform.close();
  }
  assert.equal(processesWith(runId), []);
});

test('a port another process took: the sidecar is not taken for ready; it fails at once with HAProxy\'s bind error', async () => {
  const holder = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => holder.once('listening', r));
  const port = (holder.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), `meshbench-${runId}-port-`));
  const sidecar = await startHaproxy('sidecar-inbound-t9', dir, inboundSidecarConfig({ ...sidecar0, listenPort: port }, null));
  const t0 = performance.now();
  const error = await waitForPort(port, sidecar, 10_000, new AbortController().signal).then(() => 'taken for ready', (e: unknown) => e);
  const ms = performance.now() - t0;
  holder.close();
  rmSync(dir, { recursive: true });
  assert.instance(error, RunError);
  assert.match((error as RunError).what, /cannot bind socket \(Address already in use\)/);
  assert.match((error as RunError).fix ?? '', new RegExp(`port ${port} was taken by another process`));
  // Not the 10 s ready timeout: the exit is noticed within a few polls.
  assert.ok(ms < 3_000, `${ms} ms`);
});

test('an aborted deploy stops what it started', async () => {
  const platform = await LocalPlatform.create({ sidecar: 'haproxy', runId, cpuCount: 2, requestTimeoutMs: 10_000 });
  const controller = new AbortController();
  const deploying = platform.deploy(
    { trial: { index: 3, mesh: 'istio', level: { id: 'c1', connections: 1, targetRps: null }, repetition: 1 }, mesh: meshes.istio, workload },
    controller.signal,
  );
  setTimeout(() => controller.abort(new Error('test abort')), 30);
  await deploying.then(
    () => assert.unreachable('deploy should have been aborted'),
    (e: Error) => assert.match(e.message, /test abort/),
  );
  await platform.close();
  assert.equal(processesWith(runId), []);
});

test.run();
