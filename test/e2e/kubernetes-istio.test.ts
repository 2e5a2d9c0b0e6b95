/**
 * Istio itself on the REAL nodes (scripts/k8s-tier.sh start --nodes real, then scripts/istio/tier.sh
 * up): istiod as a pod with its real sidecar injector, istio-cni and ztunnel as DaemonSet pods, the
 * sidecar being pilot-agent + upstream Envoy 1.40. Nothing here is a stand-in.
 *
 * - `istioctl analyze` (built from the same module) is an independent oracle of injection: a pod
 *   created before its namespace was enabled is reported IST0103 (missing its proxy), and
 *   meshbench's data-plane check fails it too; a pod the injector did inject is in neither.
 * - `bench run` of none, istio and istio-ambient: three meshes, distinct histograms, CPU and memory
 *   by role (sidecar = istio-proxy, node-proxy = ztunnel, control-plane = istiod), each within 5 %
 *   of its container's own cgroup counter over the kubelet samples it used; the environment says
 *   the sidecars ran without Istio's telemetry filters (upstream Envoy).
 * - Classic sidecars (sidecar.istio.io/nativeSidecar: false) as well as native ones: the loader's
 *   proxy quits through pilot-agent and the trial is valid.
 * - A namespace whose injection is turned off fails the trial's data-plane check before any load.
 * - Removing Istio leaves no ISTIO_* chain, no istio-* ipset and no istio-cni entry in a node's CNI config.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { meshes } from '../../src/meshes/index.ts';
import { checkDataPlane } from '../../src/platforms/kubernetes/data-plane.ts';
import type { PodLike } from '../../src/platforms/kubernetes/ready.ts';
import type { MeasuredTrial, RunResult } from '../../src/results/model.ts';
import { repoRoot } from '../helpers.ts';
import { againstCgroup, watchContainers } from '../platforms/kubernetes/cgroup-watch.ts';
import { ownedNamespaces } from '../platforms/kubernetes/cluster-fixtures.ts';
import { realTier, uniqueRunId } from '../platforms/kubernetes/tier.ts';
import { istioTier as istioTierOf } from './istio-tier-helpers.ts';

const t = realTier();
const istioBin = execFileSync(join(repoRoot, 'scripts/istio.sh'), ['path'], { encoding: 'utf8' }).trim();
const refs = Object.fromEntries(execFileSync(join(repoRoot, 'scripts/istio/images.sh'), ['refs'], { encoding: 'utf8' }).trim().split('\n').map((l) => l.split('=') as [string, string]));

const istioTier = (cmd: 'up' | 'down') => istioTierOf(cmd, t.kubeconfig);

const kubectl = (...args: string[]) => execFileSync(t.kubectl, ['--kubeconfig', t.kubeconfig, ...args], { encoding: 'utf8', timeout: 300_000 });

/** What Istio may leave on the host: chains, ipsets, CNI config entries. */
function istioHostState(): string[] {
  const out: string[] = [];
  for (const ipt of ['iptables-save', 'ip6tables-save']) {
    for (const table of ['filter', 'nat', 'mangle', 'raw']) {
      const text = spawnSync(ipt, ['-t', table], { encoding: 'utf8' }).stdout ?? '';
      for (const l of text.split('\n')) if (/^:ISTIO_|-j ISTIO_/.test(l)) out.push(`${ipt} ${table} ${l}`);
    }
  }
  const sets = spawnSync('ipset', ['list', '-n'], { encoding: 'utf8' });
  if (sets.error) throw new Error('ipset is not installed, so istio-cni\'s ipsets cannot be checked: apt-get install -y ipset (./scripts/setup.sh --test)');
  for (const s of sets.stdout.split('\n')) if (s.startsWith('istio-')) out.push(`ipset ${s}`);
  const run = dirname(t.kubeconfig);
  for (const node of readdirSync(run).filter((d) => d.startsWith('node-'))) {
    const dir = join(run, node, 'cni', 'net.d');
    for (const f of readdirSync(dir)) {
      if (f.includes('istio')) out.push(`file ${dir}/${f}`);
      if (f.endsWith('.conflist') && readFileSync(join(dir, f), 'utf8').includes('istio-cni')) out.push(`istio-cni in ${dir}/${f}`);
    }
  }
  return out;
}

let upMs = 0;
test.before(() => {
  const r = istioTier('up');
  upMs = r.ms;
  process.stdout.write(`\n  scripts/istio/tier.sh up: ${(r.ms / 1000).toFixed(1)} s\n${r.err.split('\n').filter((l) => l.startsWith('[istio')).map((l) => `    ${l}`).join('\n')}\n`);
});

test('Istio as a user has it: istiod a pod with its injector webhook and revision label, istio-cni and ztunnel on every node, all from local images', () => {
  const pods = JSON.parse(kubectl('-n', 'istio-system', 'get', 'pods', '-o', 'json')) as { items: { metadata: { name: string; labels: Record<string, string> }; spec: { nodeName: string; containers: { image: string }[] }; status: { phase: string } }[] };
  const by = (k: string, v: string) => pods.items.filter((p) => p.metadata.labels[k] === v);
  assert.is(by('app', 'istiod').length, 1);
  assert.is(by('app', 'istiod')[0]!.spec.containers[0]!.image, refs.pilot);
  assert.equal(by('k8s-app', 'istio-cni-node').map((p) => p.spec.nodeName).sort(), t.nodes);
  assert.equal(by('app', 'ztunnel').map((p) => p.spec.nodeName).sort(), t.nodes);
  for (const p of pods.items) assert.is(p.status.phase, 'Running', p.metadata.name);
  const hooks = JSON.parse(kubectl('get', 'mutatingwebhookconfigurations', '-l', 'istio.io/rev=default', '-o', 'json')) as { items: unknown[] };
  assert.ok(hooks.items.length >= 1, 'no sidecar injector webhook labelled istio.io/rev=default');
  assert.ok(upMs > 0);
});

test('istioctl analyze and meshbench\'s data-plane check agree: IST0103 exactly for the pod created before its namespace was enabled', async () => {
  const ns = `istio-oracle-${uniqueRunId('o').toLowerCase()}`.slice(0, 50);
  const pod = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels: { app: 'workload' } }, spec: { containers: [{ name: 'app', image: t.workloadImage, imagePullPolicy: 'Never', args: ['server'] }] } });
  const apply = (json: string) => execFileSync(t.kubectl, ['--kubeconfig', t.kubeconfig, 'apply', '-f', '-'], { input: json, encoding: 'utf8' });
  kubectl('create', 'namespace', ns);
  try {
    apply(pod('before'));
    kubectl('-n', ns, 'wait', '--for=condition=Ready', 'pod/before', '--timeout=120s');
    kubectl('label', 'namespace', ns, 'istio-injection=enabled');
    apply(pod('after'));
    kubectl('-n', ns, 'wait', '--for=condition=Ready', 'pod/after', '--timeout=180s');

    const analyze = spawnSync(join(istioBin, 'istioctl'), ['analyze', '--kubeconfig', t.kubeconfig, '-n', ns, '-o', 'json'], { encoding: 'utf8', timeout: 120_000 });
    const messages = JSON.parse(analyze.stdout || '[]') as { code: string; origin: string }[];
    const missing = messages.filter((m) => m.code === 'IST0103').map((m) => m.origin);
    process.stdout.write(`\n  istioctl analyze: ${JSON.stringify(messages.map((m) => `${m.code} ${m.origin}`))}\n`);
    assert.is(missing.length, 1, analyze.stdout + analyze.stderr);
    assert.match(missing[0]!, /\bbefore\b/);

    const items = (JSON.parse(kubectl('-n', ns, 'get', 'pods', '-o', 'json')) as { items: PodLike[] }).items;
    const overlay = meshes.istio.kubernetesOverlay({ namespace: ns, runId: 'oracle', mtls: true, placement: 'server-only', workload: { name: 'workload', port: 8080 }, loadgen: { name: 'loadgen' }, clusterDomain: 'cluster.local', istio: { revision: null, concurrency: 2, waypoint: false, nativeSidecars: null, proxyResources: {} }, appmesh: { router: false } });
    const facts = checkDataPlane({ mesh: 'istio', namespace: ns, overlay, placement: 'server-only', pods: items });
    assert.equal(facts.problems.map((p) => p.where), [`mesh istio: pod ${ns}/before`]);
    assert.match(facts.problems[0]!.what, /no istio-proxy container/);
    assert.is(facts.proxyImages['istio-proxy'], refs.proxy, 'the injected proxy is the local pilot-agent + Envoy image');
  } finally {
    kubectl('delete', 'namespace', ns, '--wait=false');
  }
});

const scenario = (loaderImage: string, workloadImage: string, meshList: string, extra = '', istio = '') => `name: k8s istio real nodes
platform: kubernetes
meshes: [${meshList}]
load:
  mode: rate
  rate: 200
  connections: 4
  warmup: 3s
  duration: 20s
  timeout: 1s
  schedulerLagLimit: 50ms
kubernetes:
  images: {workload: ${workloadImage}, loader: ${loaderImage}}
  loaderStartLead: 15s
${istio}resources:
  sampleInterval: 500ms
repetitions: 1
${extra}`;

function bench(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/bench.js'), ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, CI: 'true' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** `bench run s.yaml` in `dir`, with the containers of the namespaces `watched` picks read by kubelet and cgroup meanwhile. */
async function watchedRun(dir: string, watched: (namespace: string) => boolean) {
  const watch = watchContainers(t.client, t.nodes, (namespaces) => namespaces.filter(watched));
  try {
    const cli = await bench(['run', 's.yaml', '--output', 'out', '--kubeconfig', t.kubeconfig], dir);
    return { cli, seen: await watch.stop() };
  } catch (e) {
    await watch.stop();
    throw e;
  }
}

test('bench run with none, istio and istio-ambient on the real nodes: three meshes, distinct histograms, CPU by role', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-k8s-istio-'));
  writeFileSync(join(dir, 's.yaml'), scenario(t.loaderImage, t.workloadImage, 'none, istio, istio-ambient'));
  const { cli, seen } = await watchedRun(dir, (n) => n.startsWith('meshbench-') || n === 'istio-system');
  process.stdout.write(`\n${cli.stdout}\n`);
  assert.is(cli.code, 0, `${cli.stderr.split('\n').slice(-40).join('\n')}\n${cli.stdout}`);
  const [folder] = readdirSync(join(dir, 'out'));
  const result = JSON.parse(readFileSync(join(dir, 'out', folder!, 'result.json'), 'utf8')) as RunResult;
  assert.equal(result.trials.map((x) => `${x.trial.mesh}:${x.status}`), ['none:valid', 'istio:valid', 'istio-ambient:valid'], JSON.stringify(result.trials.map((x) => ('reasons' in x ? x.reasons : 'error' in x ? x.error : x.status))));
  const [none, istio, ambient] = result.trials as MeasuredTrial[];
  assert.ok(none!.histograms.latencyUs !== istio!.histograms.latencyUs && istio!.histograms.latencyUs !== ambient!.histograms.latencyUs);
  for (const tr of [none!, istio!, ambient!]) assert.ok(tr.load.responses2xx > 3_000 && tr.load.errors === 0, `${tr.trial.mesh}: ${JSON.stringify(tr.load)}`);
  const roles = (tr: MeasuredTrial) => [...new Set(tr.resources.map((r) => r.role))].sort();
  assert.equal(roles(none!), ['app', 'loadgen']);
  assert.equal(roles(istio!), ['app', 'control-plane', 'loadgen', 'sidecar']);
  assert.equal(roles(ambient!), ['app', 'control-plane', 'loadgen', 'node-proxy']);
  for (const s of istio!.resources.filter((r) => r.role === 'sidecar')) assert.is(s.container, 'istio-proxy');
  assert.is(istio!.resources.filter((r) => r.role === 'sidecar').length, 2, 'one istio-proxy in the workload pod and one in the loader pod');
  assert.is(ambient!.resources.filter((r) => r.role === 'node-proxy').length, 2, 'the ztunnel of each node the trial used');
  for (const tr of [istio!, ambient!]) {
    const cp = tr.resources.find((r) => r.role === 'control-plane')!;
    assert.is(cp.container, 'discovery');
    assert.ok(cp.memoryBytesAvg > 20 * 1024 ** 2, JSON.stringify(cp));
  }
  // Each proxy's and istiod's figure is the kubelet's, and agrees with the container's own cgroup within 5 %.
  for (const tr of [istio!, ambient!]) {
    for (const r of tr.resources.filter((x) => x.role === 'sidecar' || x.role === 'node-proxy' || x.role === 'control-plane')) {
      const c = againstCgroup(seen, r);
      process.stdout.write(`  ${tr.trial.mesh} ${r.role} ${r.pod}/${r.container}: kubelet ${c.kubeletCores.toFixed(4)} cores vs cgroup ${c.cgroupCores.toFixed(4)} over ${c.spanMs} ms (${(c.off * 100).toFixed(2)} %)\n`);
      assert.ok(c.off < 0.05, `${tr.trial.mesh} ${r.role} ${r.pod}/${r.container}: kubelet ${c.kubeletCores} vs cgroup ${c.cgroupCores} cores`);
    }
  }
  // What ran is said: the injected proxy image, native sidecars, and that Istio's telemetry filters did not run (upstream Envoy).
  const env = result.environment.components;
  assert.match(env['istio telemetry (sidecar stats)'] ?? '', /^absent: .*upstream Envoy/, JSON.stringify(env));
  assert.is(env['native sidecars'], 'yes', JSON.stringify(env));
  assert.match(cli.stdout, /istio-ambient/);
  for (const tr of [istio!, ambient!]) {
    process.stdout.write(`  ${tr.trial.mesh}: p50 ${tr.latency.p50Us} µs, p99 ${tr.latency.p99Us} µs, ${tr.load.achievedRps.toFixed(1)} rps; ${tr.resources.filter((r) => r.role !== 'app' && r.role !== 'loadgen').map((r) => `${r.role} ${r.pod}/${r.container} ${r.cpuCores.toFixed(3)} cores ${(r.memoryBytesAvg / 1024 ** 2).toFixed(0)} MiB`).join('; ')}\n`);
  }
  assert.equal(await ownedNamespaces(t.client, result.runId), []);
});

test('classic sidecars (sidecar.istio.io/nativeSidecar: false): the loader\'s proxy is told to quit through pilot-agent, the trial is valid, its CPU within 5 % of the cgroup', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-k8s-istio-classic-'));
  writeFileSync(join(dir, 's.yaml'), scenario(t.loaderImage, t.workloadImage, 'istio', '', '  istio: {nativeSidecars: false}\n'));
  const { cli, seen } = await watchedRun(dir, (n) => n.startsWith('meshbench-'));
  assert.is(cli.code, 0, `${cli.stderr.split('\n').slice(-40).join('\n')}\n${cli.stdout}`);
  const [folder] = readdirSync(join(dir, 'out'));
  const result = JSON.parse(readFileSync(join(dir, 'out', folder!, 'result.json'), 'utf8')) as RunResult;
  assert.equal(result.trials.map((x) => x.status), ['valid'], JSON.stringify(result.trials.map((x) => ('reasons' in x ? x.reasons : 'error' in x ? x.error : x.status))));
  assert.is(result.environment.components['native sidecars'], 'no', JSON.stringify(result.environment.components));
  const trial = result.trials[0] as MeasuredTrial;
  const sidecars = trial.resources.filter((r) => r.role === 'sidecar');
  assert.equal(sidecars.map((r) => r.container), ['istio-proxy', 'istio-proxy']);
  for (const r of sidecars) {
    const c = againstCgroup(seen, r);
    process.stdout.write(`\n  classic ${r.pod}/${r.container}: kubelet ${c.kubeletCores.toFixed(4)} cores vs cgroup ${c.cgroupCores.toFixed(4)} over ${c.spanMs} ms (${(c.off * 100).toFixed(2)} %)`);
    assert.ok(c.off < 0.05, `${r.pod}: kubelet ${c.kubeletCores} vs cgroup ${c.cgroupCores} cores`);
  }
  assert.equal(await ownedNamespaces(t.client, result.runId), []);
});

test('a namespace whose injection is turned off fails the trial\'s data-plane check before any load, with the reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-k8s-istio-off-'));
  const custom = `customMeshes:
  istio-off:
    namespaceLabels: {istio-injection: disabled}
    dataPlaneContainers: [istio-proxy]
`;
  writeFileSync(join(dir, 's.yaml'), scenario(t.loaderImage, t.workloadImage, 'istio-off', custom));
  const cli = await bench(['run', 's.yaml', '--output', 'out', '--kubeconfig', t.kubeconfig], dir);
  const [folder] = readdirSync(join(dir, 'out'));
  const result = JSON.parse(readFileSync(join(dir, 'out', folder!, 'result.json'), 'utf8')) as RunResult;
  assert.equal(result.trials.map((x) => x.status), ['failed'], cli.stderr);
  const err = JSON.stringify(result.trials[0]);
  assert.match(err, /no istio-proxy container/);
  assert.match(err, /istio-injection=disabled/);
  assert.not.match(cli.stderr, /: measure\n/, 'no load was run');
  assert.equal(await ownedNamespaces(t.client, result.runId), []);
});

test('removing Istio leaves no ISTIO_* chain, istio-* ipset or istio-cni CNI config on the host', () => {
  assert.ok(istioHostState().length > 0, 'with Istio up, istio-cni has its chains and config on the host (else this check could not fail)');
  const r = istioTier('down');
  process.stdout.write(`\n  scripts/istio/tier.sh down: ${(r.ms / 1000).toFixed(1)} s\n`);
  assert.equal(istioHostState(), []);
});

test.run();
