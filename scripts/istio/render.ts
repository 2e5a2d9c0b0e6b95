/**
 * Istio's install for the real-node tier: `istioctl manifest generate` of scripts/istio/operator.yaml
 * (Istio's own charts, embedded in istioctl), then the changes this machine needs, made here
 * rather than by hand-written manifests so that everything else is what a user's cluster gets.
 *
 *   node scripts/istio/render.ts --istioctl BIN --operator FILE --image role=ref... --node NAME=DIR... > istio.yaml
 *
 * Why per-node DaemonSets: the tier's two kubelets share ONE host, each with its own CNI folders,
 * netns folder and sockets under its node folder (scripts/k8s-tier/nodes.sh). The charts mount
 * fixed host paths (/var/run/istio-cni, /var/run/ztunnel), where two agents would take each other's
 * sockets, so the istio-cni and ztunnel DaemonSets are rendered once per node, pinned to it by
 * kubernetes.io/hostname, with that node's paths. They keep the charts' labels (k8s-app:
 * istio-cni-node, app: ztunnel), which is how meshbench and istioctl find them.
 * Why no /host/proc: this machine refuses /proc/1/ns/* even to root on the host, so the agent
 * cannot switch to the host netns through it; the agent's pod is made hostNetwork instead (as the
 * charts' ambient.shareHostNetworkNamespace does), so its own netns is the host's
 * (ALLOW_SWITCH_TO_HOST_NS=false), and the install-cni image links /host/proc -> /proc.
 */
import { execFileSync } from 'node:child_process';
import { parseAllDocuments, stringify } from 'yaml';

export interface TierNode {
  name: string;
  /** The node's folder (RUN/node-I): cni/bin, cni/net.d, containerd/state/.../netns live under it. */
  dir: string;
}

export interface IstioImages {
  proxy: string;
  pilot: string;
  'install-cni': string;
  ztunnel: string;
}

type Obj = Record<string, unknown>;
interface Volume { name: string; hostPath?: { path: string; type?: string } }
interface Mount { name: string; mountPath: string; mountPropagation?: string; readOnly?: boolean }
interface EnvVar { name: string; value?: string; valueFrom?: unknown }
interface Container { name: string; image?: string; env?: EnvVar[]; volumeMounts?: Mount[] }
interface PodSpec { hostNetwork?: boolean; dnsPolicy?: string; containers: Container[]; initContainers?: Container[]; volumes?: Volume[]; nodeSelector?: Record<string, string> }
interface DaemonSet {
  kind: 'DaemonSet';
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels?: Record<string, string> }; spec: PodSpec } };
}

export const NODE_LABEL = 'meshbench.io/tier-node';

/** Where each node keeps what the istio-cni agent and ztunnel share with the host. */
export function nodePaths(n: TierNode) {
  return {
    cniBinDir: `${n.dir}/cni/bin`,
    cniConfDir: `${n.dir}/cni/net.d`,
    netnsDir: `${n.dir}/containerd/state/io.containerd.grpc.v1.cri/netns`,
    agentRunDir: `${n.dir}/istio-cni`,
    ztunnelDir: `${n.dir}/ztunnel`,
  };
}

function generate(istioctl: string, operator: string, images: IstioImages): string {
  const [hub, tag] = splitRef(images.pilot);
  const args = ['manifest', 'generate', '-f', operator, '--set', `hub=${hub}`, '--set', `tag=${tag}`, '--set', `values.ztunnel.image=${images.ztunnel}`];
  return execFileSync(istioctl, args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** localhost/meshbench/istio/pilot:TAG → [localhost/meshbench/istio, TAG]: the charts name each image HUB/NAME:TAG. */
function splitRef(ref: string): [string, string] {
  const m = /^(.+)\/pilot:([^/:]+)$/.exec(ref);
  if (!m) throw new Error(`the pilot image reference '${ref}' is not HUB/pilot:TAG: scripts/istio/images.sh refs prints the expected form`);
  return [m[1]!, m[2]!];
}

function perNode(ds: DaemonSet, n: TierNode, change: (spec: PodSpec) => void): DaemonSet {
  const copy = structuredClone(ds);
  copy.metadata.name = `${ds.metadata.name}-${n.name}`;
  copy.spec.selector.matchLabels = { ...copy.spec.selector.matchLabels, [NODE_LABEL]: n.name };
  copy.spec.template.metadata.labels = { ...copy.spec.template.metadata.labels, [NODE_LABEL]: n.name };
  copy.spec.template.spec.nodeSelector = { ...copy.spec.template.spec.nodeSelector, 'kubernetes.io/hostname': n.name };
  change(copy.spec.template.spec);
  return copy;
}

function volume(spec: PodSpec, name: string, ds: string): Volume & { hostPath: { path: string } } {
  const v = spec.volumes?.find((x) => x.name === name);
  if (!v?.hostPath) throw new Error(`the ${ds} DaemonSet istioctl rendered has no hostPath volume '${name}': the charts changed, and scripts/istio/render.ts must follow them`);
  return v as Volume & { hostPath: { path: string } };
}

function setEnv(c: Container, name: string, value: string): void {
  c.env = [...(c.env ?? []).filter((e) => e.name !== name), { name, value }];
}

/**
 * The agents are hostNetwork pods of one host: the second would fail to bind the first's metrics
 * port, so each node's agent takes its own (15014, 15114, ...). Its readiness port 8000 is a
 * constant in install-cni; only one agent binds it (install-cni ignores the error), so either
 * node's readiness probe reads the first agent's /readyz: a shared port this tier cannot avoid.
 */
export const cniMonitoringPort = (nodeIndex: number) => 15014 + 100 * nodeIndex;

function cniForNode(ds: DaemonSet, n: TierNode, nodeIndex: number): DaemonSet {
  const p = nodePaths(n);
  return perNode(ds, n, (spec) => {
    const c = spec.containers.find((x) => x.name === 'install-cni');
    if (!c) throw new Error('the istio-cni DaemonSet istioctl rendered has no install-cni container');
    volume(spec, 'cni-bin-dir', 'istio-cni').hostPath.path = p.cniBinDir;
    volume(spec, 'cni-net-dir', 'istio-cni').hostPath.path = p.cniConfDir;
    volume(spec, 'cni-netns-dir', 'istio-cni').hostPath.path = p.netnsDir;
    volume(spec, 'cni-ztunnel-sock-dir', 'istio-cni').hostPath.path = p.ztunnelDir;
    // The CNI plugin (run by the node's containerd, on the host) dials the agent at this path, so
    // it is the same inside the pod and on the host.
    Object.assign(volume(spec, 'cni-socket-dir', 'istio-cni').hostPath, { path: p.agentRunDir, type: 'DirectoryOrCreate' });
    spec.volumes = spec.volumes!.filter((v) => v.name !== 'cni-host-procfs');
    c.volumeMounts = (c.volumeMounts ?? []).filter((m) => m.name !== 'cni-host-procfs').map((m) => {
      if (m.name === 'cni-socket-dir') return { ...m, mountPath: p.agentRunDir };
      // The agent opens a pod's netns at /host + the path the plugin gives, which is the host's.
      if (m.name === 'cni-netns-dir') return { ...m, mountPath: `/host${p.netnsDir}` };
      return m;
    });
    // What the charts' ambient.shareHostNetworkNamespace does (istioctl's operator API does not
    // take that value): the agent in the host's netns rather than switching to it.
    spec.hostNetwork = true;
    spec.dnsPolicy = 'ClusterFirstWithHostNet';
    setEnv(c, 'ALLOW_SWITCH_TO_HOST_NS', 'false');
    setEnv(c, 'CNI_AGENT_RUN_DIR', p.agentRunDir);
    setEnv(c, 'MONITORING_PORT', String(cniMonitoringPort(nodeIndex)));
  });
}

function ztunnelForNode(ds: DaemonSet, n: TierNode): DaemonSet {
  return perNode(ds, n, (spec) => {
    volume(spec, 'cni-ztunnel-sock-dir', 'ztunnel').hostPath.path = nodePaths(n).ztunnelDir;
  });
}

/** The istioctl output, changed for the tier's nodes; throws when an image is not one of ours. */
export function adaptForTier(manifest: string, nodes: TierNode[]): Obj[] {
  if (nodes.length === 0) throw new Error('no tier nodes given: pass --node NAME=DIR for each (scripts/k8s-tier.sh status --nodes real lists them)');
  const out: Obj[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    if (doc.errors.length) throw new Error(`istioctl's output does not parse as YAML: ${doc.errors[0]!.message}`);
    const o = doc.toJS() as Obj | null;
    if (!o || typeof o !== 'object') continue;
    const md = o.metadata as { name?: string } | undefined;
    if (o.kind === 'DaemonSet' && md?.name === 'istio-cni-node') out.push(...nodes.map((n, i) => cniForNode(o as unknown as DaemonSet, n, i) as unknown as Obj));
    else if (o.kind === 'DaemonSet' && md?.name === 'ztunnel') out.push(...nodes.map((n) => ztunnelForNode(o as unknown as DaemonSet, n) as unknown as Obj));
    else out.push(o);
  }
  for (const img of imagesOf(out)) {
    if (!img.startsWith('localhost/')) throw new Error(`the rendered install uses the image '${img}', which no registry here can serve: scripts/istio/operator.yaml or render.ts must name a local image for it`);
  }
  return out;
}

/** Every container image the objects name (pods' templates only). */
export function imagesOf(objs: Obj[]): string[] {
  const found = new Set<string>();
  for (const o of objs) {
    const tpl = (o.spec as { template?: { spec?: PodSpec } } | undefined)?.template?.spec;
    for (const c of [...(tpl?.containers ?? []), ...(tpl?.initContainers ?? [])]) if (c.image) found.add(c.image);
  }
  return [...found].sort();
}

export function renderIstio(o: { istioctl: string; operator: string; images: IstioImages; nodes: TierNode[] }): string {
  return adaptForTier(generate(o.istioctl, o.operator, o.images), o.nodes).map((x) => stringify(x, { lineWidth: 0 })).join('---\n');
}

function main(argv: string[]): void {
  const images: Partial<IstioImages> = {};
  const nodes: TierNode[] = [];
  let istioctl = '';
  let operator = '';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a} needs a value`);
    if (a === '--istioctl') istioctl = v;
    else if (a === '--operator') operator = v;
    else if (a === '--image' || a === '--node') {
      const eq = v.indexOf('=');
      if (eq < 1) throw new Error(`${a} takes KEY=VALUE, not '${v}'`);
      if (a === '--image') (images as Record<string, string>)[v.slice(0, eq)] = v.slice(eq + 1);
      else nodes.push({ name: v.slice(0, eq), dir: v.slice(eq + 1) });
    } else throw new Error(`unknown option ${a} (options: --istioctl, --operator, --image role=ref, --node name=dir)`);
  }
  const missing = (['proxy', 'pilot', 'install-cni', 'ztunnel'] as const).filter((k) => !images[k]);
  if (!istioctl || !operator || missing.length) throw new Error(`render.ts needs --istioctl, --operator and --image for ${missing.join(', ') || 'every role'} (scripts/istio/images.sh refs)`);
  process.stdout.write(renderIstio({ istioctl, operator, images: images as IstioImages, nodes }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`istio render: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
