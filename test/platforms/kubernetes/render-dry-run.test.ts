/**
 * `bench render` output for every mesh, and the settings that change it, passes the API server's
 * own validation (server-side apply, dry run, strict field validation): stronger than the schema
 * tests, since the server also defaults, admits and checks cross-field rules.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../../src/cli/main.ts';
import { RENDER_RUN_ID } from '../../../src/cli/commands/render.ts';
import type { KubernetesObject } from '../../../src/meshes/index.ts';
import { applyObjects } from '../../../src/platforms/kubernetes/apply.ts';
import { cleanup } from '../../../src/platforms/kubernetes/teardown.ts';
import { captureIO, repoRoot } from '../../helpers.ts';
import { installCrds } from './cluster-fixtures.ts';
import { hook, rejection, tier } from './tier.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshbench-dry-run-'));
const ALL = 'none, istio, istio-ambient, appmesh, linkerd';
const variant = (name: string, kubernetes: string, meshes = ALL) => {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nplatform: kubernetes\nmeshes: [${meshes}]\nkubernetes:\n${kubernetes}\nload: {mode: rate, rate: 100, connections: 2}\n`);
  return file;
};
const SCENARIOS = [
  variant('defaults-waypoint', '  istio: {waypoint: true}'),
  variant('plaintext-router-server-only', '  mtls: false\n  placement: server-only\n  appmesh: {router: true}\n  istio: {revision: 1-30-3, concurrency: 4, proxyResources: {cpu: 200m, memoryLimit: 256Mi}}', 'none, istio, istio-ambient, appmesh'),
  variant('baseline-pinned', '  placement: baseline\n  nodeSelector: {kubernetes.io/os: linux}\n  loadgenNodeSelector: {kubernetes.io/arch: amd64}'),
  join(repoRoot, 'test/fixtures/scenarios/good/custom-mesh.yaml'),
];

async function rendered(file: string): Promise<KubernetesObject[]> {
  const io = captureIO();
  assert.is(await main(['render', file, '-o', 'json'], io), 0, io.err());
  return (JSON.parse(io.out()) as { items: KubernetesObject[] }).items;
}

test.before(hook(async () => {
  const { client } = tier();
  for (const set of ['istio', 'appmesh', 'gateway'] as const) await installCrds(client, set);
  // An earlier test process's namespaces may still be terminating; objects cannot go into those.
  await cleanup(client, { runId: RENDER_RUN_ID, dryRun: false, timeoutMs: 60_000 });
}));

test('every object bench render prints, for every mesh and setting, passes kubectl apply --dry-run=server', async () => {
  const { client } = tier();
  let checked = 0;
  const kinds = new Set<string>();
  for (const file of SCENARIOS) {
    const objects = await rendered(file);
    // Dry-run objects cannot go into a namespace that does not exist: the namespaces are created for real.
    await applyObjects(client, objects.filter((o) => o.kind === 'Namespace'));
    await applyObjects(client, objects, { dryRun: true });
    checked += objects.length;
    for (const o of objects) kinds.add(o.kind);
  }
  assert.ok(checked > 60, `${checked} objects`);
  for (const k of ['Mesh', 'VirtualNode', 'VirtualRouter', 'VirtualService', 'PeerAuthentication', 'DestinationRule', 'Gateway', 'ConfigMap', 'Deployment', 'Job', 'ServiceAccount']) assert.ok(kinds.has(k), `no ${k} was checked`);
  // Dry run persisted nothing but the namespaces created above.
  assert.equal(await client.list(`/apis/apps/v1/namespaces/meshbench-istio-${RENDER_RUN_ID}/deployments`), []);
});

test('the same YAML through the tier\'s own kubectl: kubectl apply --dry-run=server -f -', async () => {
  const io = captureIO();
  assert.is(await main(['render', SCENARIOS[0]!], io), 0, io.err());
  const { kubectl, kubeconfig } = tier();
  const r = spawnSync(kubectl, ['apply', '--dry-run=server', '--validate=strict', '-f', '-'], { input: io.out(), encoding: 'utf8', env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines.length, (await rendered(SCENARIOS[0]!)).length, r.stdout);
  assert.ok(lines.every((l) => /(created|configured|unchanged) \(server dry run\)$/.test(l)), r.stdout);
});

test('the check can fail: an unknown field and an invalid value are refused by the server', async () => {
  const { client } = tier();
  const [file] = SCENARIOS;
  const deployment = (await rendered(file!)).find((o) => o.kind === 'Deployment')! as KubernetesObject & { spec: { replicas: number; replicass?: number } };
  const unknown = { ...deployment, spec: { ...deployment.spec, replicass: 2 } };
  const e1 = await rejection(applyObjects(client, [unknown], { dryRun: true }));
  // Server-side apply reports a field its schema lacks as a 500 from building the typed patch.
  assert.match(e1.message, /refused Deployment\/meshbench-none-render\/workload \(dry run\): 500 Internal Server Error: .*\.spec\.replicass: field not declared in schema/);
  const negative = { ...deployment, spec: { ...deployment.spec, replicas: -1 } };
  const e2 = await rejection(applyObjects(client, [negative], { dryRun: true }));
  assert.match(e2.message, /spec\.replicas: Invalid value: -1/);
});

test.after(hook(async () => {
  await cleanup(tier().client, { runId: RENDER_RUN_ID, dryRun: false, timeoutMs: 0 });
}));

test.run();
