/**
 * `bench cleanup`: lists what earlier runs left (namespaces and cluster-scoped objects such as App
 * Mesh's Mesh) by meshbench's labels, deletes only those, and leaves an unlabelled decoy alone,
 * even one whose name looks like meshbench's.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { applyObjects } from '../../../src/platforms/kubernetes/apply.ts';
import { renderTrial } from '../../../src/platforms/kubernetes/render.ts';
import { cleanup, formatCleanup } from '../../../src/platforms/kubernetes/teardown.ts';
import { install, installCrds, remove } from './cluster-fixtures.ts';
import { k8sScenario } from './scenarios.ts';
import { rejection, tier, uniqueRunId } from './tier.ts';

test('cleanup --run: a dry run lists the leftovers and deletes nothing; then they go, and the decoys stay', async () => {
  const { client } = tier();
  await installCrds(client, 'appmesh');
  const runId = uniqueRunId('left');
  const scenario = await k8sScenario(['appmesh']);
  // A crashed run: its Mesh and namespace (with objects in it) are still there.
  await applyObjects(client, renderTrial(scenario, 'appmesh', runId).filter((o) => ['Mesh', 'Namespace', 'ServiceAccount'].includes(o.kind)));
  const decoyNs = `meshbench-appmesh-${runId}-decoy`;
  await install(client, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: decoyNs, labels: { 'meshbench.io/run-id': runId } } });
  const decoyMesh = { apiVersion: 'appmesh.k8s.aws/v1beta2', kind: 'Mesh', metadata: { name: `meshbench-${runId}-decoy`, labels: { 'app.kubernetes.io/managed-by': 'someone-else', 'meshbench.io/run-id': runId } }, spec: {} };
  await install(client, decoyMesh);
  try {
    const dry = await cleanup(client, { runId, dryRun: true });
    assert.equal(dry.found.map((o) => `${o.kind}/${o.name}`).sort(), [`Mesh/meshbench-${runId}`, `Namespace/meshbench-appmesh-${runId}`]);
    assert.equal(dry.deleted, []);
    assert.is(formatCleanup(dry, true), `Namespace      meshbench-appmesh-${runId}  (run ${runId})\nMesh           meshbench-${runId}  (run ${runId})\n2 object(s) would be deleted (dry run: nothing was)\n`);
    const again = await cleanup(client, { runId, dryRun: true });
    assert.is(again.found.length, 2, 'the dry run deleted something');

    const done = await cleanup(client, { runId, dryRun: false, timeoutMs: 90_000 });
    assert.equal(done.deleted.map((o) => o.kind).sort(), ['Mesh', 'Namespace']);
    assert.equal(done.remaining, []);
    assert.equal((await cleanup(client, { runId, dryRun: true })).found, []);
    // The decoys carry the run id but not managed-by=meshbench: untouched.
    assert.is((await client.get<{ metadata: { name: string } }>(`/api/v1/namespaces/${decoyNs}`)).metadata.name, decoyNs);
    assert.is((await client.get<{ metadata: { name: string } }>(await client.pathOf(decoyMesh))).metadata.name, decoyMesh.metadata.name);
  } finally {
    await remove(client, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: decoyNs } });
    await remove(client, decoyMesh);
  }
});

test('cleanup needs a run id or --all', async () => {
  const err = await rejection(cleanup(tier().client, { dryRun: true }));
  assert.instance(err, RangeError);
});

test('cleanup --all --dry-run finds labelled objects of every run', async () => {
  const { client } = tier();
  const a = uniqueRunId('alla');
  const b = uniqueRunId('allb');
  const scenario = await k8sScenario(['none']);
  for (const id of [a, b]) await applyObjects(client, renderTrial(scenario, 'none', id).filter((o) => o.kind === 'Namespace'));
  const all = await cleanup(client, { all: true, dryRun: true });
  const names = all.found.map((o) => o.name);
  assert.ok(names.includes(`meshbench-none-${a}`) && names.includes(`meshbench-none-${b}`), names.join());
  assert.ok(all.found.every((o) => o.runId !== ''), 'every found object names its run');
  await cleanup(client, { runId: a, dryRun: false, timeoutMs: 0 });
  await cleanup(client, { runId: b, dryRun: false, timeoutMs: 0 });
});

test.run();
