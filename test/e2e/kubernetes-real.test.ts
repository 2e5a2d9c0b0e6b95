/**
 * `bench run` of a Kubernetes scenario on REAL nodes (scripts/k8s-tier.sh start --nodes real: two
 * kubelets with their own containerd, CNI bridge and cgroup root, one kube-proxy, CoreDNS), as a
 * user runs it: real Fortio pods behind a real Service found by cluster DNS, the engine as the
 * Indexed Job on the other node, CPU and memory from the kubelets' own timestamped samples.
 * Nothing is replayed: two repetitions must give different histograms.
 *
 * While the run goes on, this process reads what the collector reads (each node's
 * /metrics/resource through the API server) and, beside it, the workload container's own cgroup
 * counter (cpuacct.usage) from the host every 100 ms, so the figure in result.json is checked
 * against the kernel's over the very samples the kubelet stamped.
 *
 * An image from a registry (crane's, on localhost) named by tag is pinned to the digest the first
 * trial's node pulled, and the second trial runs that digest.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { test } from 'uvu';
import { parseAllDocuments } from 'yaml';
import * as assert from 'uvu/assert';
import type { MeasuredTrial, RunResult } from '../../src/results/model.ts';
import { SIMULATED_CAVEAT } from '../../src/run/platforms.ts';
import { repoRoot } from '../helpers.ts';
import { againstCgroup, watchContainers } from '../platforms/kubernetes/cgroup-watch.ts';
import { install, ownedNamespaces, remove } from '../platforms/kubernetes/cluster-fixtures.ts';
import { realTier } from '../platforms/kubernetes/tier.ts';

const scenario = (loaderImage: string, workloadImage: string) => `name: k8s real nodes
platform: kubernetes
meshes: [none]
load:
  mode: rate
  rate: 200
  connections: 4
  warmup: 2s
  duration: 20s
  timeout: 1s
  # The two cores are shared with other work: a loader late by tens of ms is that, not the subject here.
  schedulerLagLimit: 1s
kubernetes:
  images: {workload: ${workloadImage}, loader: ${loaderImage}}
  loaderStartLead: 10s
resources:
  sampleInterval: 500ms
repetitions: 2
`;

/** The CLI in its own process; `onStderr` sees the progress as it comes (and may signal the process). */
function bench(args: string[], cwd: string, env: Record<string, string>, onStderr?: (all: string, kill: (s: NodeJS.Signals) => void) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/bench.js'), ...args], { cwd, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    onStderr?.(stderr, (sig) => child.kill(sig));
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** A TCP port free on 127.0.0.1 now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Fortio servers running on this host (the workload's app containers), by pid. */
function fortioServers(): string[] {
  return readdirSync('/proc').filter((pid) => {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return cmd[0] === '/usr/bin/fortio' && cmd[1] === 'server';
    } catch {
      return false;
    }
  });
}

test('bench run with none on two real nodes: real requests through a Service, distinct histograms per repetition, the loader off the workload\'s node, the kubelet\'s CPU within 5 % of the cgroup\'s', async () => {
  const t = realTier();
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-k8s-real-'));
  writeFileSync(join(dir, 'real.yaml'), scenario(t.loaderImage, t.workloadImage));

  // What the collector reads, and the kernel's own counter, while the run goes on.
  const watch = watchContainers(t.client, t.nodes, (namespaces) => namespaces.filter((n) => n.startsWith('meshbench-')));
  let cli: Awaited<ReturnType<typeof bench>>;
  let seen: Awaited<ReturnType<typeof watch.stop>>;
  try {
    cli = await bench(['run', 'real.yaml', '--output', 'out', '--kubeconfig', t.kubeconfig], dir, { PATH: process.env.PATH ?? '', HOME: dir, CI: 'true' });
  } finally {
    seen = await watch.stop();
  }
  assert.is(cli.code, 0, `${cli.stderr}\n${cli.stdout}`);

  const [folder] = readdirSync(join(dir, 'out'));
  const result = JSON.parse(readFileSync(join(dir, 'out', folder!, 'result.json'), 'utf8')) as RunResult;
  assert.is(result.status, 'completed');
  assert.is(result.environment.layout, 'cluster');
  assert.not.ok(result.environment.caveats.includes(SIMULATED_CAVEAT), 'real nodes are not simulated');
  assert.match(result.environment.components['container runtimes'] ?? '', /^containerd:\/\/1\.6\./);
  // The images that ran, with the digests the kubelet reported.
  assert.match(result.environment.components['image workload/app'] ?? '', new RegExp(`^${t.workloadImage.replace(/[.]/g, '\\.')} \\(sha256:[0-9a-f]{64}\\)$`), JSON.stringify(result.environment.components));
  assert.match(result.environment.components['image loadgen/loadgen'] ?? '', /^localhost\/meshbench\/loader:node24\.[0-9.]+-[0-9a-f]{12} \(sha256:[0-9a-f]{64}\)$/, JSON.stringify(result.environment.components));

  // Both nodes' clocks were read against this machine's (the same clock here: an offset within its uncertainty), and the load pods' window start spread is stated.
  assert.match(result.environment.components['node clock offsets'] ?? '', /^tier-node-[01] [+-]\d+ ms \(±\d+\), tier-node-[01] [+-]\d+ ms \(±\d+\)$/, JSON.stringify(result.environment.components));
  for (const m of (result.environment.components['node clock offsets'] ?? '').matchAll(/([+-]\d+) ms \(±(\d+)\)/g)) assert.ok(Math.abs(Number(m[1])) <= Number(m[2]) + 1, result.environment.components['node clock offsets']);
  assert.match(result.environment.components["load pods' window start spread (widest)"] ?? '', /^0 ms$/);
  assert.equal(result.trials.map((x) => `${x.trial.mesh}#${x.trial.repetition}:${x.status}`), ['none#1:valid', 'none#2:valid'], JSON.stringify(result.trials.map((x) => ('reasons' in x ? x.reasons : 'error' in x ? x.error : x.status))));
  const valid = result.trials.filter((x): x is MeasuredTrial => x.status === 'valid');
  // Real requests: about 200 rps over 20 s, and two real runs never give the same histogram.
  for (const trial of valid) assert.ok(trial.load.responses2xx > 3_500 && trial.load.errors === 0, JSON.stringify(trial.load));
  assert.is.not(valid[0]!.histograms.latencyUs, valid[1]!.histograms.latencyUs);

  for (const trial of valid) {
    const app = trial.resources.find((r) => r.role === 'app' && r.container === 'app')!;
    const loader = trial.resources.find((r) => r.role === 'loadgen')!;
    assert.ok(app && loader, JSON.stringify(trial.resources));
    const workloadNode = seen.podNode.get(app.pod);
    const loaderNode = seen.podNode.get(loader.pod);
    assert.ok(workloadNode && loaderNode && workloadNode !== loaderNode, `workload on ${workloadNode}, loader on ${loaderNode}`);

    // The collector's figure is the kubelet's over a pair of its stamped samples; the kernel's counter over the same span agrees within 5 %.
    const c = againstCgroup(seen, app);
    process.stdout.write(`\n  ${trial.trial.mesh}#${trial.trial.repetition}: workload ${app.pod} on ${workloadNode}, loader on ${loaderNode}; app CPU kubelet ${app.cpuCores.toFixed(4)} cores vs cgroup ${c.cgroupCores.toFixed(4)} over ${app.windowMs} ms (${(c.off * 100).toFixed(2)} %); p50 ${trial.latency.p50Us} µs, p99 ${trial.latency.p99Us} µs, ${trial.load.achievedRps.toFixed(1)} rps\n`);
    assert.ok(app.windowMs >= 10_000, `the kubelet's samples span ${app.windowMs} ms of the 20 s window`);
    assert.ok(c.cgroupCores > 0.001, `the workload used ${c.cgroupCores} cores: no load reached it`);
    assert.ok(c.off < 0.05, `kubelet ${app.cpuCores} vs cgroup ${c.cgroupCores} cores: ${(c.off * 100).toFixed(2)} % apart`);
    assert.ok(app.memoryBytesAvg > 1024 ** 2 && loader.memoryBytesAvg > 10 * 1024 ** 2, JSON.stringify({ app, loader }));
  }
  assert.equal(await ownedNamespaces(t.client, result.runId), []);
});

test('an image from a registry, named by tag, is pinned after the first trial to the digest its node pulled: the second trial deploys that digest, and the result says so', async () => {
  const t = realTier();
  // A registry on this host (crane's, in memory), holding the tier's Fortio image under a tag;
  // containerd pulls from localhost over plain HTTP.
  const crane = execFileSync(join(repoRoot, 'scripts/crane.sh'), ['path'], { encoding: 'utf8' }).trim();
  const port = await freePort();
  const registry = spawn(crane, ['registry', 'serve', '--address', `127.0.0.1:${port}`], { stdio: 'ignore' });
  try {
    const pushed = `localhost:${port}/meshbench/fortio:pushed`;
    const tagged = `localhost:${port}/meshbench/fortio:1.66.0-pin`;
    const tarball = join(dirname(dirname(t.kubeconfig)), 'images', 'fortio-v1.66.0.tar');
    for (let i = 0; ; i++) {
      const push = spawnSync(crane, ['push', tarball, pushed], { encoding: 'utf8' });
      if (push.status === 0) break;
      assert.ok(i < 20, `crane push: ${push.stderr}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    // An image of its own (a label changes its config, so its ID): were it the tier's Fortio image
    // under another name, the kubelet would record that image as pulled from this registry and,
    // verifying pulled images (KubeletEnsureSecretPulledImages), try to pull the tier's own
    // `localhost/meshbench/fortio` for the later tests, which no registry serves.
    // The label is new at every run: with a fixed one, a node that kept the image of an earlier
    // run (pulled from that run's registry, on another port) reported the same digest under that
    // other repository, and no pin was made (CI, 20:2x on 2026-12-07, a second run from one path).
    execFileSync(crane, ['mutate', pushed, '--label', `io.meshbench.test=digest-pinning-${process.pid}-${Date.now()}`, '--tag', tagged], { encoding: 'utf8' });
    const digest = execFileSync(crane, ['digest', tagged], { encoding: 'utf8' }).trim();
    const dir = mkdtempSync(join(tmpdir(), 'meshbench-k8s-pin-'));
    writeFileSync(join(dir, 'real.yaml'), scenario(t.loaderImage, tagged).replace('duration: 20s', 'duration: 16s'));
    const cli = await bench(['run', 'real.yaml', '--output', 'out', '--kubeconfig', t.kubeconfig], dir, { PATH: process.env.PATH ?? '', HOME: dir, CI: 'true' });
    assert.is(cli.code, 0, `${cli.stderr}\n${cli.stdout}`);
    const [folder] = readdirSync(join(dir, 'out'));
    const result = JSON.parse(readFileSync(join(dir, 'out', folder!, 'result.json'), 'utf8')) as RunResult;
    const pinned = `localhost:${port}/meshbench/fortio@${digest}`;
    assert.is(result.environment.components[`image pin ${tagged}`], `${pinned} (pulled in trial 1; every later trial ran this digest)`, JSON.stringify(result.environment.components));
    // The last trial's pod asked for the digest itself, and ran it.
    assert.is(result.environment.components['image workload/app'], `${pinned} (${pinned})`);
    assert.equal(result.trials.map((x) => x.status), ['valid', 'valid']);
    assert.equal(await ownedNamespaces(t.client, result.runId), []);
  } finally {
    registry.kill();
  }
});

test('a whole run as an identity holding only the ClusterRole docs/kubernetes.md lists (no more): it runs, and a trial is valid', async () => {
  const t = realTier();
  // The ClusterRole exactly as the docs give it, under a test name, bound to a fresh ServiceAccount.
  const docs = readFileSync(join(repoRoot, 'docs/kubernetes.md'), 'utf8');
  const block = /## Permissions[\s\S]*?```yaml\n([\s\S]*?)```/.exec(docs)?.[1];
  assert.ok(block, 'no yaml block under "## Permissions" in docs/kubernetes.md');
  const role = parseAllDocuments(block).map((d) => d.toJS() as { kind: string; metadata: { name: string }; rules: unknown[] }).find((d) => d.kind === 'ClusterRole')!;
  assert.ok(role && role.rules.length > 5, block);
  const name = 'meshbench-test-documented';
  const ns = 'meshbench-test-documented';
  const objects = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'runner', namespace: ns } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: role.rules },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects: [{ kind: 'ServiceAccount', name: 'runner', namespace: ns }] },
  ];
  for (const o of objects) await install(t.client, o);
  try {
    const token = (await t.client.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${ns}/serviceaccounts/runner/token`, { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 900 } } })).status.token;
    const cluster = t.client.kc.getCurrentCluster()!;
    const kc = new KubeConfig();
    kc.loadFromOptions({ clusters: [{ name: 'tier', server: cluster.server, caData: cluster.caData, skipTLSVerify: false }], users: [{ name: 'runner', token }], contexts: [{ name: 'runner@tier', cluster: 'tier', user: 'runner' }], currentContext: 'runner@tier' });
    const dir = mkdtempSync(join(tmpdir(), 'meshbench-k8s-real-rbac-'));
    writeFileSync(join(dir, 'kubeconfig'), kc.exportConfig(), { mode: 0o600 });
    writeFileSync(join(dir, 'real.yaml'), scenario(t.loaderImage, t.workloadImage).replace('duration: 20s', 'duration: 10s').replace('repetitions: 2', 'repetitions: 1'));
    const cli = await bench(['run', 'real.yaml', '--output', 'out', '--kubeconfig', join(dir, 'kubeconfig')], dir, { PATH: process.env.PATH ?? '', HOME: dir, CI: 'true' });
    assert.is(cli.code, 0, `${cli.stderr}\n${cli.stdout}`);
    const [folder] = readdirSync(join(dir, 'out'));
    const result = JSON.parse(readFileSync(join(dir, 'out', folder!, 'result.json'), 'utf8')) as RunResult;
    assert.equal(result.trials.map((x) => x.status), ['valid'], JSON.stringify(result.trials));
    // Nothing fell back to a weaker path for want of a permission.
    assert.not.ok(result.environment.caveats.some((c) => /metrics\.k8s\.io|forbidden/i.test(c)), JSON.stringify(result.environment.caveats));
    assert.match(result.environment.components['cluster domain'] ?? '', /^cluster\.local \(from the kubelet of node tier-node-[01] \(\/configz\)\)$/);
  } finally {
    for (const o of objects.reverse()) await remove(t.client, o);
  }
});

test('SIGINT during the measured window on real nodes: the engine Job and the trial namespace are torn down, the run is kept as interrupted (3)', async () => {
  const t = realTier();
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-k8s-real-int-'));
  writeFileSync(join(dir, 'real.yaml'), scenario(t.loaderImage, t.workloadImage).replace('duration: 20s', 'duration: 60s').replace('repetitions: 2', 'repetitions: 1'));
  let sent = false;
  const cli = await bench(['run', 'real.yaml', '--output', 'out', '--kubeconfig', t.kubeconfig], dir, { PATH: process.env.PATH ?? '', HOME: dir, CI: 'true' }, (err, kill) => {
    if (!sent && /: measure\n/.test(err)) {
      sent = true;
      kill('SIGINT');
    }
  });
  assert.ok(sent, `the window never began:\n${cli.stderr}`);
  assert.is(cli.code, 3, cli.stderr);
  const [folder] = readdirSync(join(dir, 'out'));
  const result = JSON.parse(readFileSync(join(dir, 'out', folder!, 'result.json'), 'utf8')) as RunResult;
  assert.is(result.status, 'interrupted');
  assert.equal(result.trials.map((x) => x.status), ['aborted']);
  assert.equal(await ownedNamespaces(t.client, result.runId), []);
  assert.equal(await t.client.list('/apis/batch/v1/jobs', { labelSelector: `meshbench.io/run-id=${result.runId.toLowerCase()}` }), []);
  // The real containers are gone with their pods: no Fortio server and no loader left on the host.
  assert.equal(fortioServers(), []);
});

test.run();
