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

  // The workload where the platform's deploy would have put it, and a node proxy (ztunnel) on each node.
  const pod = (name: string, node: string, labels: Record<string, string>, container: string, cpu: string, memory: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { ...base.ownerLabels, ...labels }, annotations: { 'kwok.x-k8s.io/usage-cpu': cpu, 'kwok.x-k8s.io/usage-memory': memory } },
    spec: { nodeName: node, serviceAccountName: 'workload', containers: [{ name: container, image: 'example.invalid/none' }] },
  });
  const ztunnel = { app: `ztunnel-${runId}` };
  await applyObjects(client, [pod('workload-0', 'kwok-node-0', { app: 'workload' }, 'app', '700m', '200Mi'), pod('ztunnel-a', 'kwok-node-0', ztunnel, 'istio-proxy', '50m', '30Mi'), pod('ztunnel-b', 'kwok-node-1', ztunnel, 'istio-proxy', '80m', '30Mi')]);
  for (let i = 0; i < 100 && (await client.list<{ status?: { phase?: string } }>(`/api/v1/namespaces/${ns}/pods`)).some((p) => p.status?.phase !== 'Running'); i++) await sleep(100);
  // What deploy watches: the workload, and the ztunnel of the workload's node.
  const known: KubernetesContainer[] = [
    { kind: 'kubernetes', namespace: ns, pod: 'workload-0', container: 'app', node: 'kwok-node-0', role: 'app' },
    { kind: 'kubernetes', namespace: ns, pod: 'ztunnel-a', container: 'istio-proxy', node: 'kwok-node-0', role: 'node-proxy' },
  ];

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
    overlay: { dataPlaneContainers: [], dataPlanePods: [{ role: 'node-proxy', namespace: ns, selector: ztunnel, container: 'istio-proxy', nodesInvolvedOnly: true }] },
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

  // The Job's pod: on the other node (anti-affinity), watched as the load generator; that node's ztunnel joins, charged per node.
  assert.equal(load.added.map((c) => [c.role, c.pod.replace(/-0-[a-z0-9]+$/, '-0-*'), c.container, c.node]), [
    ['loadgen', `${base.name}-0-*`, 'loadgen', 'kwok-node-1'],
    ['node-proxy', 'ztunnel-b', 'istio-proxy', 'kwok-node-1'],
  ]);
  assert.equal(watched, [...known, ...load.added]);
  // The loader's result is the engine's own, exactly.
  const expected = decodeResultLine(local.stdout).outcome;
  assert.is(encodeHistogram(load.results.merged.ok), encodeHistogram(expected.ok));
  assert.is(load.results.merged.scheduledRequests, expected.scheduledRequests);
  assert.is(load.run.window.endEpochMs - load.run.window.startEpochMs, 2_000);
  // Resources over the window, per role, within 5 % of what the pods use.
  assert.equal(resources.map((r) => r.pod).filter((p) => p.startsWith('ztunnel')), ['ztunnel-a', 'ztunnel-b']);
  for (const [role, pod, cores, mib] of [['app', 'workload-0', 0.7, 200], ['loadgen', base.name, 0.3, 120], ['node-proxy', 'ztunnel-a', 0.05, 30], ['node-proxy', 'ztunnel-b', 0.08, 30]] as const) {
    const u = resources.find((r) => r.role === role && r.pod.startsWith(pod))!;
    assert.ok(Math.abs(u.cpuCores - cores) / cores < 0.05, `${role}: ${u.cpuCores} cores over ${u.windowMs} ms`);
    assert.is(u.memoryBytesMax, mib * 1024 * 1024, role);
  }
});

test.run();
