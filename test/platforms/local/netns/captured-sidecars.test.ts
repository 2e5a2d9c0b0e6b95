/**
 * The HAProxy sidecars of the local platform in the netns layout, wired as capture.ts documents:
 * run as uid/gid 1337, inbound bound on 0.0.0.0:15006, outbound forwarding to the workload pod's
 * own address. The app in the loader pod dials the workload pod directly; iptables does the rest.
 * The configs are haproxy.ts's, with the three changes the platform must make in this layout.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMeshCertificates } from '../../../../src/platforms/local/certs.ts';
import { inboundSidecarConfig, outboundSidecarConfig } from '../../../../src/platforms/local/haproxy.ts';
import { applySidecarCapture } from '../../../../src/platforms/local/netns/capture.ts';
import { NetnsTopology } from '../../../../src/platforms/local/netns/topology.ts';
import { startProcess } from '../../../../src/platforms/local/processes.ts';
import { inNetns } from '../../../../src/platforms/local/netns/exec.ts';
import { requestsFrom, startEchoApp } from '../ztunnel/ztunnel-helpers.ts';
import { dialFrom, leftovers } from './netns-helpers.ts';

const runId = `captured-sidecars-${process.pid}`;

const asProxyUser = (cfg: string) => cfg.replace('global\n', 'global\n  uid 1337\n  gid 1337\n');

test('mTLS HAProxy sidecars carry the loader\'s direct dial to the workload pod; bypassing the client sidecar is refused', async () => {
  const t = await NetnsTopology.create({ runId });
  const dir = await mkdtemp(join(tmpdir(), 'mb-cap-'));
  const { loadgen, workload } = t.plan.pods;
  try {
    const certs = await createMeshCertificates(dir);
    const base = { threads: 1, requestTimeoutMs: 5_000 };
    const inbound = asProxyUser(inboundSidecarConfig({ ...base, listenPort: 15006, upstreamPort: 8080 }, certs)).replace('bind 127.0.0.1:15006', 'bind 0.0.0.0:15006');
    const outbound = asProxyUser(outboundSidecarConfig({ ...base, listenPort: 15001, upstreamPort: 8080 }, certs)).replace('server inbound 127.0.0.1:8080', `server inbound ${workload.ip}:8080`);
    await writeFile(join(dir, 'inbound.cfg'), inbound);
    await writeFile(join(dir, 'outbound.cfg'), outbound);
    const app = await startEchoApp(workload.netns, 8080);
    await applySidecarCapture(loadgen.netns);
    await applySidecarCapture(workload.netns);
    const proxies = [
      startProcess({ name: 'sidecar-inbound', ...inNetns(workload.netns, 'haproxy', ['-db', '-f', join(dir, 'inbound.cfg')]) }),
      startProcess({ name: 'sidecar-outbound', ...inNetns(loadgen.netns, 'haproxy', ['-db', '-f', join(dir, 'outbound.cfg')]) }),
    ];
    // Ready when the inbound one answers TLS on the pod address (a plaintext probe gets no HTTP back).
    for (let i = 0; i < 100 && dialFrom(loadgen.netns, workload.ip, 15006, { uid: 1337 }) === 'ECONNREFUSED'; i++);
    for (let i = 0; i < 100 && dialFrom(loadgen.netns, '127.0.0.1', 15001) === 'ECONNREFUSED'; i++);

    const r = requestsFrom(loadgen.netns, `http://${workload.ip}:8080/`, 5);
    assert.equal(r.errors, []);
    assert.equal(r.statuses, [200, 200, 200, 200, 200]);
    // The app is reached by its own sidecar over loopback, as with Istio's sidecars.
    assert.equal([...new Set(r.bodies)], ['127.0.0.1']);
    for (const p of proxies) assert.match(readFileSync(`/proc/${p.pid}/status`, 'utf8'), /^Uid:\s+1337\s/m);
    // A plaintext client that skips its sidecar (uid 1337 is not captured) meets the inbound sidecar, which wants mTLS.
    assert.not.match(dialFrom(loadgen.netns, workload.ip, 8080, { uid: 1337, send: 'GET / HTTP/1.1\r\nHost: w\r\n\r\n' }), /HTTP\/1\.1 200/);
    for (const p of proxies) await p.stop();
    app.stdin?.end();
  } finally {
    await t.teardown();
    await rm(dir, { recursive: true, force: true });
  }
  assert.equal(leftovers(runId), []);
});

test.after(async () => {
  await NetnsTopology.sweep(runId);
});

test.run();
