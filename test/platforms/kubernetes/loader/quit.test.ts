/**
 * Meshed Jobs end: the engine, run from the Job's own ConfigMap and container spec, POSTs to the
 * quit endpoint of the mesh adapter's jobTermination once its result line is out. A loopback
 * server plays the sidecar's admin endpoint (same path, another port).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleClusterEntry } from '../../../../src/load/bundle.ts';
import { meshAdapter } from '../../../../src/meshes/index.ts';
import { loaderRequest } from '../../../../src/platforms/kubernetes/loader/from-scenario.ts';
import { loaderConfigMap, loaderJob } from '../../../../src/platforms/kubernetes/loader/job.ts';
import { meshOptions, trialNamespace } from '../../../../src/platforms/kubernetes/render.ts';
import { startHoldingTarget } from '../../../load/holding-target.ts';
import { k8sScenario } from '../scenarios.ts';
import { runAsPod } from './pod-sim.ts';

const bundlePath = join(mkdtempSync(join(tmpdir(), 'meshbench-bundle-')), 'loader.mjs');
let bundle = '';

test.before(async () => {
  await bundleClusterEntry(bundlePath);
  bundle = readFileSync(bundlePath, 'utf8');
});

async function startAdmin() {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    res.writeHead(200).end('OK\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, calls, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The mesh's loader Job as rendered, its quit URL moved to the stand-in's port, run as pod 0. */
async function runMeshLoader(mesh: string, nativeSidecars: boolean) {
  const s = await k8sScenario([mesh], { placement: 'both' });
  const ns = trialNamespace(s, mesh, 'r1');
  const overlay = meshAdapter(s, mesh).kubernetesOverlay(meshOptions(s, ns, 'r1'));
  const level = { id: 'c2-r100', connections: 2, targetRps: 100 };
  const { request } = loaderRequest(s, { namespace: ns, runId: 'r1', level, overlay, pods: 1, nativeSidecars });
  const admin = await startAdmin();
  const target = await startHoldingTarget(() => true);
  try {
    const quit = request.settings.quitUrl ? new URL(request.settings.quitUrl) : null;
    if (quit) quit.port = String(admin.port);
    const settings = { ...request.settings, target: target.url.href, warmupMs: 100, durationMs: 500, timeoutMs: 500, ...(quit ? { quitUrl: quit.href } : {}) };
    const full = { ...request, settings, startEpochMs: Date.now() + 1_500, activeDeadlineSeconds: 60 };
    const run = await runAsPod(loaderConfigMap(full, bundle), loaderJob(full), 0);
    return { run, calls: admin.calls, path: quit?.pathname ?? null };
  } finally {
    await target.close();
    await admin.close();
  }
}

for (const [mesh, path] of [['istio', '/quitquitquit'], ['appmesh', '/quitquitquit'], ['linkerd', '/shutdown']] as const) {
  test(`${mesh}: the engine asks the proxy to quit (POST ${path}) after its result line, once`, async () => {
    const { run, calls, path: asked } = await runMeshLoader(mesh, false);
    assert.is(run.code, 0, run.stderr);
    assert.is(asked, path);
    assert.equal(calls, [`POST ${path}`]);
    const lines = run.criLog.trimEnd().split('\n');
    const result = lines.findIndex((l) => / stdout F \{"kind":"meshbench-load-result"/.test(l));
    const quitLine = lines.findIndex((l) => / stderr F meshbench load: asked the sidecar to quit \(.*\): HTTP 200$/.test(l));
    assert.ok(result >= 0 && quitLine > result, `result line at ${result}, quit message at ${quitLine}:\n${run.criLog}`);
  });
}

test('istio with native sidecars, and ambient: no quit call (the Job ends by itself)', async () => {
  for (const [mesh, native] of [['istio', true], ['istio-ambient', false]] as const) {
    const { run, calls, path } = await runMeshLoader(mesh, native);
    assert.is(run.code, 0, run.stderr);
    assert.is(path, null);
    assert.equal(calls, []);
    assert.not.match(run.stderr, /quit/);
  }
});

test.run();
