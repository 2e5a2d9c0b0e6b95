/**
 * Pods as network namespaces: the shape of one topology, as data. Two "node" namespaces joined by
 * a veth pair (the cluster network), a loader pod on node A and a workload pod on node B, each
 * joined to its node by its own veth pair (point-to-point, as the CNI ptp plugin does).
 *
 *   loadgen pod 198.18.1.2 ── node-a 198.18.0.1 ═══ 198.18.0.2 node-b ── workload pod 198.18.2.2
 *
 * Addresses come from 198.18.0.0/15, the range RFC 2544 reserves for benchmarking: it exists only
 * inside these namespaces, and no route in the root namespace leads to it. Every namespace and
 * interface name carries a tag of the run, so teardown and sweep find them by name alone.
 * Pure: planning runs no command.
 */
import { createHash } from 'node:crypto';

export const NODE_NAMES = ['node-a', 'node-b'] as const;
export type NodeName = (typeof NODE_NAMES)[number];
export const POD_NAMES = ['loadgen', 'workload'] as const;
export type PodName = (typeof POD_NAMES)[number];

/** Every namespace of every run starts with this, so `sweep` never touches anything else. */
export const NETNS_PREFIX = 'meshbench-';

export interface NodePlan {
  name: NodeName;
  netns: string;
  /** Address on the node-to-node link. */
  linkIp: string;
}

export interface PodPlan {
  name: PodName;
  node: NodeName;
  netns: string;
  ip: string;
  /** The pod's /24; the other node routes it over the node-to-node link. */
  subnet: string;
  /** The node's end of the pod's veth: the pod's default gateway. */
  gatewayIp: string;
  /** Interface names (at most 15 characters, the kernel's limit). */
  nodeSideIf: string;
  podSideIf: string;
}

export interface TopologyPlan {
  /** The prefix of every namespace of this topology. */
  netnsPrefix: string;
  nodes: Record<NodeName, NodePlan>;
  pods: Record<PodName, PodPlan>;
  /** A service address (ClusterIP-like) routed nowhere; meshes that resolve services use it. */
  serviceIp: string;
  /** Names of the node-to-node veth ends, in node A and node B. */
  nodeLinkIfs: [string, string];
}

/** Namespaces are named `meshbench-<runId>[-<scope>]-<node|pod>`; runId must be name-safe. */
export function netnsPrefixOf(runId: string, scope?: string): string {
  if (!/^[A-Za-z0-9_.-]{1,80}$/.test(runId) || (scope !== undefined && !/^[A-Za-z0-9_.-]{1,40}$/.test(scope))) {
    throw new Error(`run id and scope must be 1-80 characters of [A-Za-z0-9_.-], got ${JSON.stringify(runId)} ${JSON.stringify(scope)}`);
  }
  return `${NETNS_PREFIX}${runId}${scope ? `-${scope}` : ''}-`;
}

/** Interface names hold only 15 characters: a 6-hex tag of run and scope stands for them. */
export function interfaceTag(runId: string, scope?: string): string {
  return `mb${createHash('sha256').update(`${runId}/${scope ?? ''}`).digest('hex').slice(0, 6)}`;
}

export function planTopology(runId: string, scope?: string): TopologyPlan {
  const prefix = netnsPrefixOf(runId, scope);
  const tag = interfaceTag(runId, scope);
  const pod = (name: PodName, node: NodeName, subnet: number): PodPlan => ({
    name,
    node,
    netns: `${prefix}${name}`,
    ip: `198.18.${subnet}.2`,
    subnet: `198.18.${subnet}.0/24`,
    gatewayIp: `198.18.${subnet}.1`,
    nodeSideIf: `${tag}-${name[0]}n`,
    podSideIf: `${tag}-${name[0]}p`,
  });
  return {
    netnsPrefix: prefix,
    nodes: {
      'node-a': { name: 'node-a', netns: `${prefix}node-a`, linkIp: '198.18.0.1' },
      'node-b': { name: 'node-b', netns: `${prefix}node-b`, linkIp: '198.18.0.2' },
    },
    pods: { loadgen: pod('loadgen', 'node-a', 1), workload: pod('workload', 'node-b', 2) },
    serviceIp: '198.19.0.10',
    nodeLinkIfs: [`${tag}-ab`, `${tag}-ba`],
  };
}

/** All namespaces of a plan, pods first (the order teardown uses: leaves before the links). */
export function netnsNames(p: TopologyPlan): string[] {
  return [...POD_NAMES.map((n) => p.pods[n].netns), ...NODE_NAMES.map((n) => p.nodes[n].netns)];
}

/**
 * The `ip` invocations that build the topology, in order. Every link is created inside a namespace
 * (`ip -n`), and its peer is moved straight into another, so nothing ever appears in the root
 * namespace: deleting the namespaces deletes every link and every rule with them.
 */
export function setupCommands(p: TopologyPlan): string[][] {
  const [a, b] = [p.nodes['node-a'], p.nodes['node-b']];
  const cmds: string[][] = [];
  for (const ns of netnsNames(p)) cmds.push(['netns', 'add', ns]);
  for (const ns of netnsNames(p)) cmds.push(['-n', ns, 'link', 'set', 'lo', 'up']);
  const [ab, ba] = p.nodeLinkIfs;
  cmds.push(
    ['-n', a.netns, 'link', 'add', ab, 'type', 'veth', 'peer', 'name', ba, 'netns', b.netns],
    ['-n', a.netns, 'addr', 'add', `${a.linkIp}/24`, 'dev', ab],
    ['-n', b.netns, 'addr', 'add', `${b.linkIp}/24`, 'dev', ba],
    ['-n', a.netns, 'link', 'set', ab, 'up'],
    ['-n', b.netns, 'link', 'set', ba, 'up'],
  );
  for (const node of [a, b]) {
    // Nodes route between their pods and the link; ztunnel's spoofed original sources need rp_filter off.
    cmds.push(['netns', 'exec', node.netns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0']);
  }
  for (const pod of POD_NAMES.map((n) => p.pods[n])) {
    const node = p.nodes[pod.node];
    const other = p.nodes[pod.node === 'node-a' ? 'node-b' : 'node-a'];
    const otherPod = POD_NAMES.map((n) => p.pods[n]).find((q) => q.node === other.name)!;
    cmds.push(
      ['-n', node.netns, 'link', 'add', pod.nodeSideIf, 'type', 'veth', 'peer', 'name', pod.podSideIf, 'netns', pod.netns],
      ['-n', node.netns, 'addr', 'add', `${pod.gatewayIp}/32`, 'dev', pod.nodeSideIf],
      ['-n', node.netns, 'link', 'set', pod.nodeSideIf, 'up'],
      ['-n', node.netns, 'route', 'add', `${pod.ip}/32`, 'dev', pod.nodeSideIf, 'scope', 'host'],
      // The other node's pod subnet, through the node-to-node link.
      ['-n', node.netns, 'route', 'add', otherPod.subnet, 'via', other.linkIp],
      ['-n', pod.netns, 'addr', 'add', `${pod.ip}/24`, 'dev', pod.podSideIf],
      ['-n', pod.netns, 'link', 'set', pod.podSideIf, 'up'],
      ['-n', pod.netns, 'route', 'add', 'default', 'via', pod.gatewayIp],
    );
  }
  return cmds;
}

/**
 * Namespace names of a run (any scope) among `ip netns list` output lines. Run ids are matched as
 * a name prefix, so one run id must not be the prefix of another (the CLI's have a fixed length).
 */
export function runNetnsIn(listOutput: string, runId: string): string[] {
  const prefix = netnsPrefixOf(runId);
  return listOutput
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name.startsWith(prefix));
}
