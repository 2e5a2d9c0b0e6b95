/**
 * `bench cleanup` through the CLI on the real API-server tier: --run and --dry-run, what it
 * prints, the exit code, a labelled leftover deleted and an unlabelled decoy left, and
 * --kubeconfig/--context naming the cluster (the environment's KUBECONFIG is left empty on purpose).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../../src/cli/main.ts';
import { applyObjects } from '../../../src/platforms/kubernetes/apply.ts';
import { OWNER_LABELS } from '../../../src/platforms/kubernetes/render.ts';
import { captureIO } from '../../helpers.ts';
import { install, ownedNamespaces, remove } from '../../platforms/kubernetes/cluster-fixtures.ts';
import { tier, uniqueRunId } from '../../platforms/kubernetes/tier.ts';

const exists = async (name: string): Promise<boolean> => (await tier().client.list<{ metadata: { name: string } }>('/api/v1/namespaces')).some((n) => n.metadata.name === name);

test('bench cleanup --run: the dry run lists and keeps, the real one deletes the labelled leftover and leaves the decoy', async () => {
  const { client, kubeconfig } = tier();
  const runId = uniqueRunId('cli');
  const leftover = `meshbench-none-${runId}`;
  // A decoy with a meshbench-like name and the run id, but not managed by meshbench.
  const decoy = `meshbench-none-${runId}-decoy`;
  await applyObjects(client, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: leftover, labels: OWNER_LABELS(runId) } }]);
  await install(client, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: decoy, labels: { 'meshbench.io/run-id': runId } } });
  try {
    const dry = captureIO();
    assert.is(await main(['cleanup', '--run', runId, '--dry-run', '--kubeconfig', kubeconfig], dry), 0, dry.err());
    assert.match(dry.out(), new RegExp(`Namespace\\s+${leftover}  \\(run ${runId}\\)\\n1 object\\(s\\) would be deleted \\(dry run: nothing was\\)`));
    assert.not.match(dry.out(), decoy);
    assert.equal(await ownedNamespaces(client, runId), [leftover]);

    const real = captureIO();
    assert.is(await main(['cleanup', '--run', runId, '--kubeconfig', kubeconfig, '--context', 'meshbench-tier'], real), 0, real.err());
    assert.match(real.out(), /1 deleted\n/);
    assert.equal(await ownedNamespaces(client, runId), []);
    assert.not.ok(await exists(leftover));
    assert.ok(await exists(decoy), 'the unlabelled decoy was deleted');

    const none = captureIO();
    assert.is(await main(['cleanup', '--run', runId, '--kubeconfig', kubeconfig], none), 0);
    assert.match(none.out(), /nothing labelled app\.kubernetes\.io\/managed-by=meshbench was found/);
  } finally {
    await remove(client, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: decoy } });
  }
});

test('--context: an unknown one is refused (2) with the contexts that exist; no credential in the message', async () => {
  const { kubeconfig } = tier();
  const io = captureIO();
  assert.is(await main(['cleanup', '--all', '--dry-run', '--kubeconfig', kubeconfig, '--context', 'nope'], io), 2);
  assert.match(io.err(), /nope/);
  assert.match(io.err(), /meshbench-tier/);
  assert.not.match(io.err(), /BEGIN|token|client-key-data/i);
});

test('--kubeconfig: a missing file is refused (2) naming the flag; --run and --all are one or the other', async () => {
  const missing = captureIO();
  assert.is(await main(['cleanup', '--all', '--kubeconfig', '/nonexistent/kubeconfig'], missing), 2);
  assert.match(missing.err(), /\/nonexistent\/kubeconfig/);
  const neither = captureIO();
  assert.is(await main(['cleanup'], neither), 2);
  assert.match(neither.err(), /neither --run nor --all/);
  const both = captureIO();
  assert.is(await main(['cleanup', '--run', 'x', '--all'], both), 2);
  assert.match(both.err(), /--run and --all were both given/);
});

test('run takes --kubeconfig and --context, and help lists them', async () => {
  for (const command of ['run', 'cleanup']) {
    const io = captureIO();
    assert.is(await main([command, '--help'], io), 0);
    assert.match(io.out(), /--kubeconfig FILE/);
    assert.match(io.out(), /--context NAME/);
  }
  // A Kubernetes scenario whose --context does not exist: exit 2 before anything is created.
  const io = captureIO();
  assert.is(await main(['run', 'scenarios/k8s-istio-vs-appmesh.yaml', '--kubeconfig', tier().kubeconfig, '--context', 'nope'], io), 2);
  assert.match(io.err(), /nope/);
});

test.run();
