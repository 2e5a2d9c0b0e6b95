/**
 * `bench plan` checks now what `bench run` would need: the layout and why, the sidecars' proxy,
 * ztunnel, a target that answers; a missing one is said with its fix, and the exit is 2 as run's would be.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../../src/cli/main.ts';
import { PlanJson } from '../../../src/report/json-shapes.ts';
import { captureIO, repoRoot } from '../../helpers.ts';

test('the migration scenario without ztunnel: plan says it is not built and how to build it (exit 2)', async () => {
  const io = { ...captureIO(), env: { CI: 'true', MESHBENCH_ZTUNNEL: '/nonexistent/ztunnel' } };
  assert.is(await main(['plan', 'scenarios/migrate-appmesh-to-istio.yaml'], io), 2, io.err());
  assert.match(io.out(), /Estimated duration: /);
  assert.match(io.out(), /✗ ztunnel and python3 \(istio-ambient\): istio-ambient needs the ztunnel binary, and \/nonexistent\/ztunnel does not exist\n\s+fix: build it once .*`\.\/scripts\/setup\.sh --ztunnel`/);
  assert.match(io.out(), /✓ Envoy 1\.40\.0 \(the sidecars of appmesh, istio\): \S+\/envoy\n/);
  assert.match(io.out(), /1 prerequisite\(s\) missing: `bench run` would stop before its first trial \(exit 2\)/);
});

test('plan checks the sidecars the run will start: Envoy by default (missing: exit 2 and how to install it), HAProxy when asked', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-plan-sidecar-'));
  writeFileSync(join(dir, 'envoy.yaml'), 'name: envoy\nplatform: local\nmeshes: [none, istio]\n');
  writeFileSync(join(dir, 'haproxy.yaml'), 'name: haproxy\nplatform: local\nmeshes: [none, istio]\nlocal: { sidecar: haproxy }\n');
  const noEnvoy = { ...captureIO({ cwd: dir }), env: { CI: 'true', MESHBENCH_ENVOY: '/nonexistent/envoy' } };
  assert.is(await main(['plan', 'envoy.yaml'], noEnvoy), 2, noEnvoy.err());
  assert.match(noEnvoy.out(), /✗ Envoy 1\.40\.0 \(the sidecars of istio\): .*\/nonexistent\/envoy does not exist\n\s+fix: install it .*`\.\/scripts\/setup\.sh`/);
  assert.not.match(noEnvoy.out(), /HAProxy \(the sidecars/);
  const haproxy = { ...captureIO({ cwd: dir }), env: { CI: 'true', MESHBENCH_ENVOY: '/nonexistent/envoy' } };
  assert.is(await main(['plan', 'haproxy.yaml'], haproxy), 0, haproxy.out());
  assert.match(haproxy.out(), /✓ HAProxy \(the sidecars of istio\): HAProxy \d+\.\d+/);
  assert.not.match(haproxy.out(), /Envoy 1\.40\.0 \(the sidecars/);
});

test('plan --json of an external target: ready when it answers, not when nothing listens', async () => {
  const server = createServer((_q, r) => r.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-plan-'));
  try {
    writeFileSync(join(dir, 'up.yaml'), `name: up\nplatform: external\ntarget: http://127.0.0.1:${port}/\n`);
    const up = captureIO({ cwd: dir });
    assert.is(await main(['plan', 'up.yaml', '--json'], up), 0, up.err());
    const plan = PlanJson.parse(JSON.parse(up.out()));
    assert.is(plan.ready, true);
    assert.equal(plan.prerequisites.map((c) => [c.ok, c.detail]), [[true, 'HTTP 200']]);
    assert.is(plan.layout?.name, 'loopback');
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  writeFileSync(join(dir, 'down.yaml'), `name: down\nplatform: external\ntarget: http://127.0.0.1:${port}/\n`);
  const down = captureIO({ cwd: dir });
  assert.is(await main(['plan', 'down.yaml', '--json'], down), 2);
  const plan = PlanJson.parse(JSON.parse(down.out()));
  assert.is(plan.ready, false);
  assert.match(plan.prerequisites[0]!.detail, /ECONNREFUSED/);
  assert.is(plan.prerequisites[0]!.fix, 'start the service, or correct `target` (or --url)');
});

test('platform kubernetes with an unreadable kubeconfig: plan names it and exits 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-plan-k8s-'));
  writeFileSync(join(dir, 'k8s.yaml'), 'name: k8s\nplatform: kubernetes\n');
  const io = captureIO({ cwd: dir });
  assert.is(await main(['plan', 'k8s.yaml', '--kubeconfig', '/nonexistent/kubeconfig'], io), 2, io.err());
  assert.match(io.out(), /Layout: cluster \(platform kubernetes: pods on the cluster's nodes\)/);
  assert.match(io.out(), /✗ a kubeconfig: .*\/nonexistent\/kubeconfig/);
  assert.match(io.out(), /Estimated duration: \d+m\d\ds \([\dm]+s per trial, including deploy, the load's lead-in and teardown in the cluster layout\)/);
});

test('as a user who cannot create namespaces, plan says loopback and why', () => {
  // Root passes the namespace probe: the refusal is only seen as nobody. No sidecar mesh: nobody
  // cannot reach root's Envoy cache, and plan would (rightly) stop on it.
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-plan-nobody-'));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'plain.yaml'), 'name: plain\nplatform: local\nmeshes: [none]\n', { mode: 0o644 });
  const child = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, 'bin/bench.js', 'plan', join(dir, 'plain.yaml'), '--json'], { cwd: repoRoot, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/tmp' } });
  assert.is(child.status, 0, child.stderr);
  const plan = PlanJson.parse(JSON.parse(child.stdout));
  assert.is(plan.layout?.name, 'loopback');
  assert.match(plan.layout!.reason, /^no network namespaces here: cannot create a network namespace: .*; the netns layout \(pods as network namespaces\) needs root/);
  assert.ok(plan.prerequisites.some((c) => c.what === 'root' && /uid 65534/.test(c.detail)));
});

test.run();
