/**
 * The kubelet collector: the resource metrics format (a real kubelet's, with sample timestamps,
 * and kwok's, without), then on the real API server tier: pods whose kwok usage annotations say
 * their CPU and memory give those figures per container and role, read through the API server's
 * node proxy over an exact window; a forbidden node proxy falls back to metrics.k8s.io and says
 * what that costs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { advanceTrack, KubeletCollector, parseResourceMetrics, type Track } from '../../src/collectors/kubelet.ts';
import { parseQuantity } from '../../src/collectors/metrics-api.ts';
import { RunError } from '../../src/errors.ts';
import { applyObjects } from '../../src/platforms/kubernetes/apply.ts';
import { KubeClient } from '../../src/platforms/kubernetes/client.ts';
import { OWNER_LABELS } from '../../src/platforms/kubernetes/render.ts';
import { deleteOwned, findOwned } from '../../src/platforms/kubernetes/teardown.ts';
import { namespace, serviceAccounts } from '../../src/platforms/kubernetes/workload.ts';
import type { KubernetesContainer } from '../../src/platforms/types.ts';
import { rejection, tier, uniqueRunId } from '../platforms/kubernetes/tier.ts';

const runIds: string[] = [];
test.after(async () => {
  const { client } = tier();
  for (const runId of runIds) await deleteOwned(client, await findOwned(client, { runId, kinds: [] }), { timeoutMs: 0 });
});

test('a kubelet\'s samples are timed by their own timestamps; kwok\'s, which carry none, by the read', () => {
  const kubelet = [
    '# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds',
    '# TYPE container_cpu_usage_seconds_total counter',
    'container_cpu_usage_seconds_total{container="istio-proxy",namespace="mb-istio-r1",pod="workload-7d9f"} 12.5 1767225600123',
    'container_memory_working_set_bytes{container="istio-proxy",namespace="mb-istio-r1",pod="workload-7d9f"} 5.4525952e+07 1767225600123',
    'pod_cpu_usage_seconds_total{namespace="mb-istio-r1",pod="workload-7d9f"} 30.1 1767225600123',
    'node_cpu_usage_seconds_total 9000.5 1767225600100',
  ].join('\n');
  assert.equal([...parseResourceMetrics(kubelet, 42).entries()], [['mb-istio-r1/workload-7d9f/istio-proxy', { cpuSeconds: 12.5, cpuAtMs: 1767225600123, cpuStamped: true, memoryBytes: 54525952 }]]);
  const kwok = '# HELP container_cpu_usage_seconds_total [ALPHA] Cumulative cpu time\\n\ncontainer_cpu_usage_seconds_total{container="app",namespace="n",pod="p"} 2.53\n';
  assert.equal(parseResourceMetrics(kwok, 42).get('n/p/app'), { cpuSeconds: 2.53, cpuAtMs: 42, cpuStamped: false });
});

test('a counter that falls to zero is the container\'s exit (a finished load Job): its window ends at its last sample; one that counts again is a restart', () => {
  const container: KubernetesContainer = { kind: 'kubernetes', namespace: 'n', pod: 'loadgen-0', container: 'loadgen', node: 'tier-node-0', role: 'loadgen' };
  const feed = (cpus: number[]): Track => {
    const t: Track = { c: container, maxCores: 0, memSum: 0, memMax: 0, memN: 0 };
    cpus.forEach((cpu, i) => advanceTrack(t, { cpuSeconds: cpu, cpuAtMs: 1_000 + i * 1_000, cpuStamped: true, memoryBytes: cpu === 0 ? 0 : 50e6 }, 1_000));
    return t;
  };
  const exited = feed([1, 1.5, 2, 0, 0]);
  assert.equal([exited.first, exited.last, exited.exited, exited.restarted], [{ cpuSeconds: 1, atMs: 1_000 }, { cpuSeconds: 2, atMs: 3_000 }, true, undefined]);
  assert.is(exited.memSum / exited.memN, 50e6, 'the zeros after the exit are not memory samples');
  assert.equal(feed([1, 2, 0, 0.3]).restarted, { from: 2, to: 0.3 });
  assert.equal(feed([1, 2, 0.4]).restarted, { from: 2, to: 0.4 });
  assert.is(feed([1, 2, 3]).restarted, undefined);
});

test('Kubernetes quantities, as metrics.k8s.io writes them', () => {
  assert.is(parseQuantity('250m'), 0.25);
  assert.is(parseQuantity('123456789n'), 0.123456789);
  assert.is(parseQuantity('300Mi'), 300 * 1024 * 1024);
  assert.is(parseQuantity('12345Ki'), 12345 * 1024);
  assert.is(parseQuantity('2'), 2);
  assert.throws(() => parseQuantity('12 cores'), /not a Kubernetes quantity/);
});

interface PodSpec {
  name: string;
  node: string;
  containers: string[];
  cpu: string;
  memory: string;
}

async function usagePods(specs: PodSpec[]): Promise<{ ns: string; client: KubeClient }> {
  const { client } = tier();
  const runId = uniqueRunId('kubelet');
  runIds.push(runId);
  const names = { namespace: `mb-kubelet-${runId}`, ownerLabels: OWNER_LABELS(runId) };
  const pods = specs.map((p) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: p.name, namespace: names.namespace, labels: names.ownerLabels, annotations: { 'kwok.x-k8s.io/usage-cpu': p.cpu, 'kwok.x-k8s.io/usage-memory': p.memory } },
    // Placed by name: each role on the node a trial would put it on.
    spec: { nodeName: p.node, serviceAccountName: 'loadgen', containers: p.containers.map((name) => ({ name, image: 'example.invalid/none' })) },
  }));
  await applyObjects(client, [namespace(names, {}), ...serviceAccounts(names), ...pods]);
  for (let i = 0; i < 100; i++) {
    const listed = await client.list<{ status?: { phase?: string } }>(`/api/v1/namespaces/${names.namespace}/pods`);
    if (listed.length === specs.length && listed.every((p) => p.status?.phase === 'Running')) return { ns: names.namespace, client };
    await sleep(200);
  }
  throw new Error('the usage pods were not Running within 20 s');
}

/** kwok serves several nodes from one process at /metrics/nodes/NODE/metrics/resource (the plain path serves its first node only). */
const kwokPath = (node: string) => `/metrics/nodes/${node}/metrics/resource`;

test('cores and working set per container and role, within 5 % of the pods\' usage, over the window the samples span', async () => {
  const { ns, client } = await usagePods([
    { name: 'workload-0', node: 'kwok-node-0', containers: ['app', 'istio-proxy'], cpu: '500m', memory: '300Mi' },
    { name: 'loadgen-0', node: 'kwok-node-1', containers: ['loadgen'], cpu: '250m', memory: '100Mi' },
    { name: 'ztunnel-a', node: 'kwok-node-0', containers: ['istio-proxy'], cpu: '100m', memory: '50Mi' },
    { name: 'ztunnel-b', node: 'kwok-node-1', containers: ['istio-proxy'], cpu: '120m', memory: '40Mi' },
    { name: 'waypoint-0', node: 'kwok-node-1', containers: ['istio-proxy'], cpu: '200m', memory: '80Mi' },
  ]);
  const c = (pod: string, container: string, node: string, role: KubernetesContainer['role']): KubernetesContainer => ({ kind: 'kubernetes', namespace: ns, pod, container, node, role });
  const watched = [
    c('workload-0', 'app', 'kwok-node-0', 'app'),
    c('workload-0', 'istio-proxy', 'kwok-node-0', 'sidecar'),
    c('loadgen-0', 'loadgen', 'kwok-node-1', 'loadgen'),
    // ztunnel on each node that hosts the workload or the loader: charged per node.
    c('ztunnel-a', 'istio-proxy', 'kwok-node-0', 'node-proxy'),
    c('ztunnel-b', 'istio-proxy', 'kwok-node-1', 'node-proxy'),
    c('waypoint-0', 'istio-proxy', 'kwok-node-1', 'waypoint'),
  ];
  const expected = [[0.5, 300], [0.5, 300], [0.25, 100], [0.1, 50], [0.12, 40], [0.2, 80]] as const;
  const collector = new KubeletCollector({ client, intervalMs: 500, resourcePath: kwokPath });
  const window = await collector.begin(watched);
  // A window of a few seconds: long enough for a 5 % reading (the counter is timed by each read).
  await sleep(4_000);
  const usage = await window.end();
  assert.equal(usage.map((u) => [u.pod, u.container, u.role]), watched.map((w) => [w.pod, w.container, w.role]));
  // kwok stamps nothing, and the collector says how its CPU was timed.
  assert.equal(collector.caveats, ['the kubelets of kwok-node-0, kwok-node-1 stamp no samples: their CPU is timed by the reads (each read\'s round trip is its uncertainty)']);
  usage.forEach((u, i) => {
    const [cores, mib] = expected[i]!;
    const what = `${u.pod}/${u.container}: ${u.cpuCores.toFixed(4)} cores, ${u.memoryBytesAvg} bytes over ${u.windowMs} ms`;
    assert.ok(Math.abs(u.cpuCores - cores) / cores < 0.05, what);
    assert.ok(Math.abs(u.memoryBytesAvg - mib * 1024 * 1024) / (mib * 1024 * 1024) < 0.05, what);
    assert.is(u.memoryBytesMax, mib * 1024 * 1024, what);
    assert.ok(u.samples >= 3, what);
    assert.ok(u.windowMs > 0, what);
  });
});

test('a container the node does not report fails at the window\'s start, naming it', async () => {
  const { ns, client } = await usagePods([{ name: 'only', node: 'kwok-node-0', containers: ['app'], cpu: '10m', memory: '1Mi' }]);
  const err = await rejection(new KubeletCollector({ client, resourcePath: kwokPath, intervalMs: 200, missingGraceMs: 1_000 }).begin([{ kind: 'kubernetes', namespace: ns, pod: 'only', container: 'sidecar', node: 'kwok-node-0', role: 'sidecar' }]));
  assert.instance(err, RunError);
  assert.match(err.message, new RegExp(`node kwok-node-0 reports no resource metrics for ${ns}/only/sidecar`));
});

test('node proxy forbidden: falls back to metrics.k8s.io, says its figures are ~15 s averages, and fails plainly when that is absent too', async () => {
  const { ns } = await usagePods([{ name: 'p', node: 'kwok-node-0', containers: ['app'], cpu: '10m', memory: '1Mi' }]);
  const admin = tier().client;
  // An identity with no rights at all: the "loadgen" service account, through a token the API server issues.
  const { status } = await admin.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${ns}/serviceaccounts/loadgen/token`, { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } } });
  const cluster = admin.kc.getCurrentCluster()!;
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [cluster], users: [{ name: 'restricted', token: status.token }], contexts: [{ name: 'restricted', cluster: cluster.name, user: 'restricted' }], currentContext: 'restricted' });
  const notices: string[] = [];
  const collector = new KubeletCollector({ client: new KubeClient(kc), resourcePath: kwokPath, onNotice: (m) => notices.push(m) });
  const err = await rejection(collector.begin([{ kind: 'kubernetes', namespace: ns, pod: 'p', container: 'app', node: 'kwok-node-0', role: 'app' }]));
  assert.equal(notices.length, 1);
  assert.match(notices[0]!, /node proxy is forbidden .*403.*metrics\.k8s\.io.*~15 s averages, not exact windows/);
  assert.equal(collector.caveats, notices);
  assert.instance(err, RunError);
  assert.match(err.message, /metrics\.k8s\.io is not served by this cluster .*node proxy is forbidden/);
  assert.not.match(err.message + notices[0], new RegExp(status.token.slice(0, 16)));
});

test('a figure above the node\'s cores (32 on the tier\'s nodes) fails the window instead of entering the figures', async () => {
  // kwok's counter grows at the annotated rate, whatever the node: 40 cores is more than it has.
  const { ns, client } = await usagePods([{ name: 'over', node: 'kwok-node-0', containers: ['app'], cpu: '40', memory: '1Mi' }]);
  const window = await new KubeletCollector({ client, intervalMs: 500, resourcePath: kwokPath }).begin([{ kind: 'kubernetes', namespace: ns, pod: 'over', container: 'app', node: 'kwok-node-0', role: 'app' }]);
  await sleep(2_000);
  const err = await rejection(window.end());
  assert.instance(err, RunError);
  assert.match(err.message, /^kubelet collector: over\/app \(app\): cpuCores is \d+\.\d{3} cores, above the machine's 32/);
});

test.run();
