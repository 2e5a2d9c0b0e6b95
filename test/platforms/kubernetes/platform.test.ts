/**
 * The trial lifecycle on the real API server: apply, ready, teardown leave nothing labelled; an
 * abort during the ready-wait tears down; pods that cannot be placed fail with the scheduler's
 * reason. kwok makes pods Running without containers, so readiness here is the API's, not an app's.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RunError } from '../../../src/errors.ts';
import { applyObjects } from '../../../src/platforms/kubernetes/apply.ts';
import { KubernetesPlatform, type DeployStage } from '../../../src/platforms/kubernetes/platform.ts';
import type { Platform } from '../../../src/platforms/types.ts';
import { notReadyReasons, waitReady } from '../../../src/platforms/kubernetes/ready.ts';
import { renderTrial, trialNamespace } from '../../../src/platforms/kubernetes/render.ts';
import { deleteOwned, findOwned } from '../../../src/platforms/kubernetes/teardown.ts';
import { loadLevels } from '../../../src/scenario/plan.ts';
import { ownedNamespaces } from './cluster-fixtures.ts';
import { k8sScenario } from './scenarios.ts';
import { rejection, tier, uniqueRunId } from './tier.ts';

// Compile-time: KubernetesPlatform is a Platform, its load the remote placement.
export const asPlatform = (p: KubernetesPlatform): Platform => p;

const trialOf = (mesh: string, s: Awaited<ReturnType<typeof k8sScenario>>) => ({ index: 0, mesh, level: loadLevels(s)[0]!, repetition: 1 });

test('apply, ready and teardown: the pods run, the deployment says where they are and what ran, and nothing labelled is left', async () => {
  const { client } = tier();
  const runId = uniqueRunId('life');
  const scenario = await k8sScenario(['none']);
  const stages: DeployStage[] = [];
  const platform = await KubernetesPlatform.create({ client, scenario, runId, readyTimeoutMs: 60_000, teardownTimeoutMs: 90_000, onStage: (s) => stages.push(s) });
  const d = await platform.deploy({ trial: trialOf('none', scenario) }, new AbortController().signal);
  assert.equal(stages, ['apply', 'ready', 'verify']);
  assert.is(d.namespace, trialNamespace(scenario, 'none', runId));
  assert.equal(await ownedNamespaces(client, runId), [d.namespace]);
  // The workload's app container, on a fake node; the load Job is left to the in-cluster runner.
  assert.equal(d.containers.map((c) => [c.kind, c.role, c.container, c.namespace]), [['kubernetes', 'app', 'app', d.namespace]]);
  assert.match(d.containers[0]!.node, /^kwok-node-/);
  assert.is(d.load.where, 'remote');
  assert.is(d.load.targetUrl.hostname, `workload.${d.namespace}.svc.cluster.local`);
  const jobs = await client.list(`/apis/batch/v1/namespaces/${d.namespace}/jobs`);
  assert.is(jobs.length, 0);
  assert.match(d.components.kubernetes ?? '', /^v1\.35\./);
  assert.match(d.components['kubernetes provider'] ?? '', /kwok: simulated nodes/);
  assert.is(d.components['node kernels'], 'kwok-0.8.0');
  assert.is(d.components['container runtimes'], 'kwok-0.8.0');
  assert.match(d.meshLabel, /^none \(Kubernetes v1\.35\.\d+, simulated kwok nodes/);
  assert.not.ok(d.lost.aborted);
  // Plain-text answers (pod logs) through the same client: kwok serves the tier's pod log file.
  assert.match(await client.getText(`/api/v1/namespaces/${d.namespace}/pods/${d.containers[0]!.pod}/log`, { container: 'app' }), /\S/);
  await platform.teardown(d);
  // Teardown deleted the pods: that is not losing them.
  assert.not.ok(d.lost.aborted);
  assert.equal(await ownedNamespaces(client, runId), []);
  // Idempotent: a second teardown and the run's close find nothing and succeed.
  await platform.teardown(d);
  await platform.close();
});

test('an abort during the ready-wait tears the trial down, and deploy rejects with the abort', async () => {
  const { client } = tier();
  const runId = uniqueRunId('abort');
  const scenario = await k8sScenario(['none']);
  const controller = new AbortController();
  const platform = await KubernetesPlatform.create({
    client,
    scenario,
    runId,
    teardownTimeoutMs: 90_000,
    // As SIGINT does through the CLI's signal: abort the moment the ready-wait begins.
    onStage: (s) => {
      if (s === 'ready') controller.abort(new Error('interrupted (SIGINT)'));
    },
  });
  const err = await rejection(platform.deploy({ trial: trialOf('none', scenario) }, controller.signal));
  assert.is(err.message, 'interrupted (SIGINT)');
  assert.equal(await ownedNamespaces(client, runId), []);
});

test('a pod that goes away during the trial aborts Deployment.lost with its name', async () => {
  const { client } = tier();
  const runId = uniqueRunId('lost');
  const scenario = await k8sScenario(['none']);
  const platform = await KubernetesPlatform.create({ client, scenario, runId, teardownTimeoutMs: 90_000, podWatchIntervalMs: 200 });
  const d = await platform.deploy({ trial: trialOf('none', scenario) }, new AbortController().signal);
  try {
    const pod = d.containers[0]!.pod;
    await client.request('DELETE', `/api/v1/namespaces/${d.namespace}/pods/${pod}`, {});
    // Bounded: the watch polls every 200 ms; kwok deletes the pod at once.
    for (let i = 0; i < 100 && !d.lost.aborted; i++) await sleep(100);
    assert.ok(d.lost.aborted, 'lost was not aborted within 10 s');
    assert.is((d.lost.reason as Error).message, `pod ${pod} was deleted during the trial`);
  } finally {
    await platform.teardown(d);
  }
});

test('not-ready reasons name image pulls and crash loops as the pod status gives them', async () => {
  const pod = (name: string, status: Record<string, unknown>) => ({ metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'app' }] }, status: { phase: 'Pending', ...status } });
  const lines = await notReadyReasons(tier().client, 'default', [], [
    pod('pull', { containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "fortio/fortio:9.9.9"' } } }] }),
    pod('crash', { phase: 'Running', containerStatuses: [{ name: 'app', restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m20s restarting failed container' } } }] }),
  ]);
  assert.equal(lines, [
    'pod pull (Pending): container app: ImagePullBackOff (Back-off pulling image "fortio/fortio:9.9.9")',
    'pod crash (Running): container app: CrashLoopBackOff (back-off 1m20s restarting failed container)',
    'no Deployment in the namespace',
  ]);
});

test('pods that cannot be scheduled: the ready-wait ends at its bound with the scheduler\'s reason', async () => {
  const { client } = tier();
  const runId = uniqueRunId('unsched');
  const scenario = await k8sScenario(['none'], { nodeSelector: { 'meshbench.io/no-such-node': 'x' } });
  const ns = trialNamespace(scenario, 'none', runId);
  try {
    await applyObjects(client, renderTrial(scenario, 'none', runId).filter((o) => o.kind !== 'Job'));
    const err = await rejection(waitReady(client, ns, { timeoutMs: 5_000, pollMs: 250 }));
    assert.instance(err, RunError);
    assert.match(err.message, /not ready within 5 s/);
    assert.match(err.message, /pod workload-[a-z0-9-]+ \(Pending\): Unschedulable: 0\/\d+ nodes are available: \d+ node\(s\) didn't match Pod's node affinity\/selector/);
    assert.match(err.message, /deployment workload: 0\/1 available/);
  } finally {
    const owned = await findOwned(client, { runId, kinds: [] });
    assert.equal(owned.map((o) => o.name), [ns]);
    // Not waited for: the namespace controller takes its time, and nothing else uses this name.
    await deleteOwned(client, owned, { timeoutMs: 0 });
  }
});

test.run();
