/**
 * A whole trial on the tier, as run/ is to wire it: the platform deploys (preflight, apply, ready,
 * verify), the engine Job built from the scenario runs in the trial's namespace and lands off the
 * workload's node, the kubelet collector watches the deployment's and the Job's containers over
 * the window, the loader's result becomes the outcome, and teardown leaves nothing labelled.
 * kwok runs no container: the loader's log is a real engine result served by the tier.
 */
import { writeFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KubeletCollector } from '../../../../src/collectors/kubelet.ts';
import { decodeResultLine, mergeOutcomes } from '../../../../src/load/result-line.ts';
import { meshAdapter } from '../../../../src/meshes/index.ts';
import { loaderRequest } from '../../../../src/platforms/kubernetes/loader/from-scenario.ts';
import { runInClusterLoad } from '../../../../src/platforms/kubernetes/loader/in-cluster-load.ts';
import { loaderConfigMap, loaderJob } from '../../../../src/platforms/kubernetes/loader/job.ts';
import { KubernetesPlatform } from '../../../../src/platforms/kubernetes/platform.ts';
import { meshOptions } from '../../../../src/platforms/kubernetes/render.ts';
import { loadLevels } from '../../../../src/scenario/plan.ts';
import { encodeHistogram } from '../../../../src/results/histogram.ts';
import { WindowResources } from '../../../../src/run/window-resources.ts';
import { startHoldingTarget } from '../../../load/holding-target.ts';
import { ownedNamespaces } from '../cluster-fixtures.ts';
import { k8sScenario } from '../scenarios.ts';
import { tier, uniqueRunId } from '../tier.ts';
import { buildBundle, podLogFile } from './fixtures.ts';
import { runAsPod } from './pod-sim.ts';

let podLog: Awaited<ReturnType<typeof podLogFile>>;
test.before(async () => {
  podLog = await podLogFile();
});
test.after(() => podLog.restore());

test('deploy, the engine Job from the scenario, resources over its window, teardown: one trial of mesh none', async () => {
  const { client } = tier();
  const runId = uniqueRunId('trial');
  const base = await k8sScenario(['none']);
  const s = { ...base, load: { ...base.load, warmupMs: 100, durationMs: 2_000, timeoutMs: 1_000 } };
  const level = loadLevels(s)[0]!;
  const platform = await KubernetesPlatform.create({ client, scenario: s, runId, readyTimeoutMs: 60_000, teardownTimeoutMs: 90_000 });
  const d = await platform.deploy({ trial: { index: 0, mesh: 'none', level, repetition: 1 } }, new AbortController().signal);
  try {
    const overlay = meshAdapter(s, 'none').kubernetesOverlay(meshOptions(s, d.namespace, runId));
    const { request, termination } = loaderRequest(s, { namespace: d.namespace, runId, level, overlay, pods: 1, nativeSidecars: false });
    assert.is(termination.quitUrl, null);
    // What the pod would print: the same Job's engine against a loopback stand-in of the workload.
    const bundle = await buildBundle();
    const target = await startHoldingTarget(() => true);
    const local = { ...request, settings: { ...request.settings, target: target.url.href, durationMs: 500 }, startEpochMs: Date.now() + 2_000, activeDeadlineSeconds: 60 };
    const ran = await runAsPod(loaderConfigMap(local, bundle), loaderJob(local), 0).finally(() => target.close());
    assert.is(ran.code, 0, ran.stderr);
    writeFileSync(podLog.path, ran.criLog);

    const collector = new KubeletCollector({ client, intervalMs: 250, resourcePath: (node) => `/metrics/nodes/${node}/metrics/resource` });
    let collection: WindowResources | undefined;
    const load = await runInClusterLoad(client, {
      request,
      bundle,
      startLeadMs: 5_000,
      pollMs: 200,
      overlay,
      known: d.containers,
      watch: (containers) => {
        collection = new WindowResources([collector], containers);
        return (phase) => collection!.onPhase(phase);
      },
      decode: decodeResultLine,
      merge: mergeOutcomes,
    });
    assert.is(encodeHistogram(load.results.merged.ok), encodeHistogram(decodeResultLine(ran.stdout).outcome.ok));
    const resources = await collection!.result();
    assert.equal(resources.map((r) => r.role), ['app', 'loadgen']);
    // kwok's default usage for pods without annotations: 1m and 1Mi per container.
    for (const r of resources) assert.ok(Math.abs(r.cpuCores - 0.001) < 0.00005 && r.memoryBytesMax === 1024 * 1024, JSON.stringify(r));
    const workloadNode = d.containers[0]!.node;
    assert.match(workloadNode, /^kwok-node-/);
    assert.is.not(load.added[0]!.node, workloadNode);
    // The Job is the engine from the scenario: the level's rate and connections, the workload's Service as target.
    const job = await client.get<any>(`/apis/batch/v1/namespaces/${d.namespace}/jobs/${request.name}`);
    const cm = await client.get<{ data: Record<string, string> }>(`/api/v1/namespaces/${d.namespace}/configmaps/${request.name}-engine`);
    assert.is(job.spec.completions, 1);
    assert.equal(JSON.parse(cm.data['load.json']!), request.settings);
    assert.match(request.settings.target, new RegExp(`^http://workload\\.${d.namespace}\\.svc\\.cluster\\.local:8080/echo`));
    assert.is(request.settings.rateRps, level.targetRps ?? undefined);
  } finally {
    await platform.teardown(d);
  }
  assert.equal(await ownedNamespaces(client, runId), []);
});

test.run();
