/**
 * The engine's ConfigMap (with the real bundle) and Job, as `bench render` would show them for
 * every mesh and placement: valid against the upstream schemas, and accepted by the API server's
 * own validation (server-side apply, dry run, strict fields), as `kubectl apply --dry-run=server`.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleClusterEntry } from '../../../../src/load/bundle.ts';
import { MESH_NAMES, meshAdapter, PLACEMENTS } from '../../../../src/meshes/index.ts';
import { applyObjects } from '../../../../src/platforms/kubernetes/apply.ts';
import { renderLoader } from '../../../../src/platforms/kubernetes/loader/from-scenario.ts';
import { meshOptions, renderTrial, trialNamespace } from '../../../../src/platforms/kubernetes/render.ts';
import { deleteOwned, findOwned } from '../../../../src/platforms/kubernetes/teardown.ts';
import { loadLevels } from '../../../../src/scenario/plan.ts';
import { SchemaValidator } from '../schema-validator.ts';
import { k8sScenario } from '../scenarios.ts';
import { tier, uniqueRunId } from '../tier.ts';

const runId = uniqueRunId('engine-render');

test.after(async () => {
  const { client } = tier();
  await deleteOwned(client, await findOwned(client, { runId, kinds: [] }), { timeoutMs: 0 });
});

test('the engine ConfigMap and Job of every mesh and placement pass the schemas and kubectl apply --dry-run=server', async () => {
  const { client } = tier();
  const out = join(mkdtempSync(join(tmpdir(), 'meshbench-bundle-')), 'loader.mjs');
  await bundleClusterEntry(out);
  const bundle = readFileSync(out, 'utf8');
  const validator = new SchemaValidator();
  let checked = 0;
  for (const placement of PLACEMENTS) {
    const s = await k8sScenario([...MESH_NAMES], { placement, loadgenNodeSelector: { 'kubernetes.io/os': 'linux' } });
    for (const mesh of MESH_NAMES) {
      const namespace = trialNamespace(s, mesh, runId);
      const overlay = meshAdapter(s, mesh).kubernetesOverlay(meshOptions(s, namespace, runId));
      const objects = renderLoader(s, { namespace, runId, level: loadLevels(s)[0]!, overlay, pods: 2, nativeSidecars: false }, bundle, Date.now() + 45_000);
      assert.equal(objects.map((o) => o.kind), ['ConfigMap', 'Job']);
      for (const o of objects) assert.equal(validator.validate(o), [], `${mesh} ${placement} ${o.kind}`);
      // Namespaced objects cannot be dry-run into a namespace that does not exist: it is created for real.
      await applyObjects(client, renderTrial(s, mesh, runId).filter((o) => o.kind === 'Namespace'));
      await applyObjects(client, objects, { dryRun: true });
      checked += objects.length;
    }
  }
  assert.is(checked, PLACEMENTS.length * MESH_NAMES.length * 2);
  // Dry run persisted nothing.
  assert.equal(await client.list(`/apis/batch/v1/namespaces/${trialNamespace(await k8sScenario(['istio']), 'istio', runId)}/jobs`), []);
});

test.run();
