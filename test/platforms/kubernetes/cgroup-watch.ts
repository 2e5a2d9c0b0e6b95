/**
 * The kernel's own CPU counter of each container on the real nodes, beside what the kubelet says,
 * so that a test can check meshbench's per-container figure against the cgroup over the very span
 * of the kubelet samples it used.
 *
 * While a run goes on, `watchContainers` reads, every 100 ms, `cpuacct.usage` of every container of
 * the given namespaces (found by the container ID the API server reports, under the real tier's
 * cgroup roots), and, every 400 ms, each node's /metrics/resource through the API server as the
 * collector does, keeping each distinct stamped sample.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { parseResourceMetrics } from '../../../src/collectors/kubelet.ts';
import type { KubeClient } from '../../../src/platforms/kubernetes/client.ts';
import type { ResourceUsage } from '../../../src/collectors/types.ts';

/** A counter with the time it was read, epoch ms. */
export interface Reading {
  atMs: number;
  value: number;
}

/** The real tier's kubelets each have a cgroup root of their own (scripts/k8s-tier/nodes.sh). */
const CPUACCT = '/sys/fs/cgroup/cpuacct';

/** The cgroup folder of a container, found by its ID (cgroupfs: ROOT/kubepods/QOS/podUID/ID). */
function cgroupOf(containerId: string): string | undefined {
  const walk = (dir: string, depth: number): string | undefined => {
    if (depth > 5) return undefined;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      if (e.name === containerId) return join(dir, e.name);
      const found = walk(join(dir, e.name), depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  for (const root of readdirSync(CPUACCT).filter((d) => d.startsWith('meshbench-tier-node-'))) {
    const found = walk(join(CPUACCT, root), 0);
    if (found) return found;
  }
  return undefined;
}

interface PodList {
  metadata: { name: string; namespace: string };
  status?: { containerStatuses?: { name: string; containerID?: string }[]; initContainerStatuses?: { name: string; containerID?: string }[] };
}

export interface Watch {
  /** Stops watching and gives what was seen: `namespace/pod/container` → readings. */
  stop(): Promise<{ kubelet: Map<string, Reading[]>; cgroup: Map<string, Reading[]>; podNode: Map<string, string> }>;
}

/** Watches the containers of the namespaces `namespaces()` names at each turn (e.g. the run's, and istio-system). */
export function watchContainers(client: KubeClient, nodes: readonly string[], namespaces: (seen: string[]) => string[]): Watch {
  const kubelet = new Map<string, Reading[]>();
  const cgroup = new Map<string, Reading[]>();
  const podNode = new Map<string, string>();
  const files = new Map<string, string>();
  let watching = true;
  const push = (m: Map<string, Reading[]>, k: string, r: Reading) => {
    const list = m.get(k) ?? [];
    if (list.at(-1)?.atMs !== r.atMs) list.push(r);
    m.set(k, list);
  };
  const kubelets = (async () => {
    while (watching) {
      for (const node of nodes) {
        const text = await client.getText(`/api/v1/nodes/${node}/proxy/metrics/resource`).catch(() => '');
        for (const [k, s] of parseResourceMetrics(text, Date.now())) {
          podNode.set(k.split('/')[1]!, node);
          if (s.cpuSeconds !== undefined && s.cpuStamped) push(kubelet, k, { atMs: s.cpuAtMs!, value: s.cpuSeconds });
        }
      }
      // The containers to read: every one the API server lists in the namespaces asked for.
      const all = await client.list<PodList>('/api/v1/pods').catch(() => [] as PodList[]);
      const wanted = new Set(namespaces([...new Set(all.map((p) => p.metadata.namespace))]));
      for (const p of all.filter((x) => wanted.has(x.metadata.namespace))) {
        for (const c of [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])]) {
          const k = `${p.metadata.namespace}/${p.metadata.name}/${c.name}`;
          const id = c.containerID?.replace(/^[a-z]+:\/\//, '');
          if (!id || files.has(k)) continue;
          const dir = cgroupOf(id);
          if (dir) files.set(k, join(dir, 'cpuacct.usage'));
        }
      }
      await new Promise((r) => setTimeout(r, 400));
    }
  })();
  const cgroups = (async () => {
    while (watching) {
      for (const [k, file] of files) {
        try {
          push(cgroup, k, { atMs: Date.now(), value: Number(readFileSync(file, 'utf8')) });
        } catch {
          // The container ended: its cgroup is gone.
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      watching = false;
      await Promise.all([kubelets, cgroups]);
      return { kubelet, cgroup, podNode };
    },
  };
}

/** The counter at a time, linearly between the two readings around it. */
export function at(series: Reading[], tMs: number): number {
  const i = series.findIndex((r) => r.atMs >= tMs);
  assert.ok(i > 0, `no cgroup readings around ${new Date(tMs).toISOString()} (${series.length} readings, ${series[0] ? new Date(series[0].atMs).toISOString() : '-'} to ${series.at(-1) ? new Date(series.at(-1)!.atMs).toISOString() : '-'})`);
  const a = series[i - 1]!;
  const b = series[i]!;
  return a.value + ((b.value - a.value) * (tMs - a.atMs)) / (b.atMs - a.atMs);
}

/**
 * A container's figure against its cgroup: the two stamped kubelet samples that give exactly the
 * figure over exactly its window, and the kernel's counter over that span (cores; relative gap).
 */
export function againstCgroup(seen: Awaited<ReturnType<Watch['stop']>>, r: Pick<ResourceUsage, 'pod' | 'container' | 'cpuCores' | 'windowMs'>): { kubeletCores: number; cgroupCores: number; off: number; spanMs: number } {
  const k = [...seen.kubelet.keys()].find((x) => x.endsWith(`/${r.pod}/${r.container}`));
  const samples = k ? seen.kubelet.get(k)! : [];
  const pair = samples.flatMap((a, i) => samples.slice(i + 1).map((b) => [a, b] as const)).find(([a, b]) => b.atMs - a.atMs === r.windowMs && Math.abs((b.value - a.value) / ((b.atMs - a.atMs) / 1000) - r.cpuCores) < 1e-9);
  assert.ok(k && pair, `no two kubelet samples of ${r.pod}/${r.container} give ${r.cpuCores} cores over ${r.windowMs} ms: ${JSON.stringify(samples)}`);
  const series = seen.cgroup.get(k) ?? [];
  const cgroupCores = (at(series, pair[1].atMs) - at(series, pair[0].atMs)) / 1e9 / ((pair[1].atMs - pair[0].atMs) / 1000);
  return { kubeletCores: r.cpuCores, cgroupCores, off: Math.abs(r.cpuCores - cgroupCores) / cgroupCores, spanMs: pair[1].atMs - pair[0].atMs };
}
