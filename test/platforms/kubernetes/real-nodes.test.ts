/**
 * The test tier's real nodes and the host: `k8s-tier.sh start --nodes real` changes the host (a
 * bridge per node and one for the node addresses, iptables chains of kube-proxy, the kubelets and
 * the tier's guard, mounts for the pods' netns folders, volumes and root filesystems, sysctls the
 * kubelet sets, cgroups), and `stop` must leave it exactly as it found it. Also: the tier's ports,
 * where a default held by another process is replaced and the holder named.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../../helpers.ts';
import { hostState, realTier, stopRealTier } from './tier.ts';

interface NodeLike {
  metadata: { name: string; labels?: Record<string, string> };
  status?: { conditions?: { type: string; status: string }[]; nodeInfo?: { containerRuntimeVersion?: string; kubeletVersion?: string } };
}

test('start --nodes real: two Ready real nodes; stop: no KUBE-* chain, bridge, mount, cgroup or changed sysctl left (the host state before and after is the same)', () => {
  // From a stopped tier, whoever started it: the comparison needs the host as it is without one.
  const first = stopRealTier();
  assert.is(first.code, 0, first.err);
  const before = hostState();
  assert.ok(before.filter((l) => l.startsWith('sysctl ')).length >= 10, before.join('\n'));

  const t0 = Date.now();
  const t = realTier();
  return (async () => {
    const nodes = await t.client.list<NodeLike>('/api/v1/nodes');
    const real = nodes.filter((n) => t.nodes.includes(n.metadata.name));
    assert.equal(real.map((n) => n.metadata.name).sort(), t.nodes);
    for (const n of real) {
      assert.ok(n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'), `${n.metadata.name} is not Ready`);
      assert.match(n.status?.nodeInfo?.containerRuntimeVersion ?? '', /^containerd:\/\//);
      assert.is(n.status?.nodeInfo?.kubeletVersion, 'v1.35.4');
    }
    // While up, the host really carries the nodes' state: the comparison below could fail.
    const during = hostState();
    for (const expected of [/^iptables nat KUBE-SERVICES$/, /^iptables filter MESHBENCH-TIER-GUARD$/, /^link mbtier0$/, /^cgroup \/sys\/fs\/cgroup\/cpuacct\/meshbench-tier-node-1$/, /^mount .*\/run[^/]*-real\/node-0\/containerd\/state\/io\.containerd\.grpc\.v1\.cri\/netns$/]) {
      assert.ok(during.some((l) => expected.test(l)), `${expected} not in the host state while the tier runs:\n${during.join('\n')}`);
    }
    const upMs = Date.now() - t0;

    const stop = stopRealTier();
    assert.is(stop.code, 0, stop.err);
    const after = hostState();
    const gone = before.filter((l) => !after.includes(l));
    const left = after.filter((l) => !before.includes(l));
    assert.equal({ gone, left }, { gone: [], left: [] }, `host state changed by start+stop (${upMs} ms up)`);
  })();
});

test('a default port another process holds is replaced by a free one, and the holder is named', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const held = (server.address() as { port: number }).port;
  try {
    const run = mkdtempSync(join(tmpdir(), 'meshbench-tier-ports-'));
    const r = spawnSync('bash', [join(repoRoot, 'scripts/k8s-tier.sh'), 'pick-ports'], { encoding: 'utf8', env: { ...process.env, MESHBENCH_TIER_RUN: run, API_PORT: String(held), ETCD_PORT: String(held + 1) } });
    assert.is(r.status, 0, r.stderr);
    const ports = Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split('=') as [string, string]));
    assert.is.not(ports.API_PORT, String(held));
    assert.ok(Number(ports.API_PORT) > 0);
    // The holder is this test process (its thread's name, as ss shows it, and its pid).
    assert.match(r.stderr, new RegExp(`port ${held} \\(API_PORT\\) is held by \\S+ \\(pid ${process.pid}\\): taking another`), r.stderr);
    // Every port distinct.
    assert.is(new Set(Object.values(ports)).size, Object.keys(ports).length, r.stdout);
  } finally {
    server.close();
  }
});

test.run();
