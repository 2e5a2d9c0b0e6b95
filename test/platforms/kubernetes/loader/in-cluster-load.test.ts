/**
 * One trial's in-cluster load on the tier, as run/ would drive it: the engine Job starts, its pod
 * lands off the workload's node and is watched as `loadgen`, the kubelet collector reads every
 * watched container at the window's wall-clock edges, and the loader's log (a real engine result,
 * served by the tier) becomes the trial's outcome. kwok takes each pod's CPU and memory from its
 * usage annotations, so the figures are known in advance.
 */
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KubeletCollector } from '../../../../src/collectors/kubelet.ts';
import type { ResourceUsage } from '../../../../src/collectors/types.ts';
import { decodeResultLine, mergeOutcomes } from '../../../../src/load/result-line.ts';
import { applyObjects } from '../../../../src/platforms/kubernetes/apply.ts';
import { runInClusterLoad } from '../../../../src/platforms/kubernetes/loader/in-cluster-load.ts';
import { loaderConfigMap, loaderJob } from '../../../../src/platforms/kubernetes/loader/job.ts';
import type { KubernetesContainer } from '../../../../src/platforms/types.ts';
import { encodeHistogram } from '../../../../src/results/histogram.ts';
import { WindowResources } from '../../../../src/run/window-resources.ts';
import { startHoldingTarget } from '../../../load/holding-target.ts';
import { tier } from '../tier.ts';
import { buildBundle, Namespaces, podLogFile, smallRequest } from './fixtures.ts';
import { runAsPod } from './pod-sim.ts';

let podLog: Awaited<ReturnType<typeof podLogFile>>;
const namespaces = new Namespaces();
test.before(async () => {
  podLog = await podLogFile();
});
test.after(async () => {
  podLog.restore();
  await namespaces.deleteAll();
});

test('engine Job, watched containers, resources over the window and the merged outcome of one in-cluster trial', async () => {
  const { client } = tier();
  const { ns, runId } = await namespaces.create('trial');
  const bundle = await buildBundle();
  const target = await startHoldingTarget(() => true);
  const base = smallRequest(ns, runId, target.url, 1);
  const local = await runAsPod(loaderConfigMap(base, bundle), loaderJob(base), 0).finally(() => target.close());
  assert.is(local.code, 0, local.stderr);
  writeFileSync(podLog.path, local.criLog);

  // The workload, where the platform's deploy would have put it.
  await applyObjects(client, [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'workload-0', namespace: ns, labels: { ...base.ownerLabels, app: 'workload' }, annotations: { 'kwok.x-k8s.io/usage-cpu': '700m', 'kwok.x-k8s.io/usage-memory': '200Mi' } },
      spec: { nodeName: 'kwok-node-0', serviceAccountName: 'workload', containers: [{ name: 'app', image: 'fortio/fortio:1.66.0' }] },
    },
  ]);
  for (let i = 0; i < 100 && (await client.get<{ status?: { phase?: string } }>(`/api/v1/namespaces/${ns}/pods/workload-0`)).status?.phase !== 'Running'; i++) await sleep(100);
  const known: KubernetesContainer[] = [{ kind: 'kubernetes', namespace: ns, pod: 'workload-0', container: 'app', node: 'kwok-node-0', role: 'app' }];

  const { startEpochMs: _s, activeDeadlineSeconds: _d, ...request } = base;
  // A 2 s window: long enough for the collector's 5 %; the loader pod carries its own usage.
  const runRequest = { ...request, pod: { labels: {}, annotations: { 'kwok.x-k8s.io/usage-cpu': '300m', 'kwok.x-k8s.io/usage-memory': '120Mi' } }, settings: { ...request.settings, durationMs: 2_000 } };
  const collector = new KubeletCollector({ client, intervalMs: 250, resourcePath: (node) => `/metrics/nodes/${node}/metrics/resource` });
  let collection: WindowResources | undefined;
  let watched: KubernetesContainer[] = [];
  const load = await runInClusterLoad(client, {
    request: runRequest,
    bundle,
    startLeadMs: 5_000,
    pollMs: 200,
    overlay: { dataPlaneContainers: [], dataPlanePods: [] },
    known,
    watch: (containers) => {
      watched = containers;
      collection = new WindowResources([collector], containers);
      return (phase) => collection!.onPhase(phase);
    },
    decode: decodeResultLine,
    merge: mergeOutcomes,
  });
  const resources: ResourceUsage[] = await collection!.result();

  // The Job's pod: on the other node (anti-affinity), watched as the load generator.
  assert.is(load.added.length, 1);
  assert.equal([load.added[0]!.role, load.added[0]!.container, load.added[0]!.node], ['loadgen', 'loadgen', 'kwok-node-1']);
  assert.equal(watched, [...known, ...load.added]);
  // The loader's result is the engine's own, exactly.
  const expected = decodeResultLine(local.stdout).outcome;
  assert.is(encodeHistogram(load.results.merged.ok), encodeHistogram(expected.ok));
  assert.is(load.results.merged.scheduledRequests, expected.scheduledRequests);
  assert.is(load.run.window.endEpochMs - load.run.window.startEpochMs, 2_000);
  // Resources over the window, per role, within 5 % of what the pods use.
  const by = (role: string) => resources.find((r) => r.role === role)!;
  for (const [role, cores, mib] of [['app', 0.7, 200], ['loadgen', 0.3, 120]] as const) {
    const u = by(role);
    assert.ok(Math.abs(u.cpuCores - cores) / cores < 0.05, `${role}: ${u.cpuCores} cores over ${u.windowMs} ms`);
    assert.is(u.memoryBytesMax, mib * 1024 * 1024, role);
  }
});

test.run();
