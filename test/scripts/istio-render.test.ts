/**
 * scripts/istio/render.ts with the real istioctl of scripts/istio.sh: Istio's own charts rendered
 * for the real-node tier. What is checked is what the tier relies on: the three istiod settings
 * upstream Envoy needs, the sidecar injector's webhook and revision labels, one istio-cni and one
 * ztunnel DaemonSet per node with that node's paths, only local images, and every object of a kind
 * with an upstream schema valid against ../shared/k8s-schemas.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { adaptForTier, cniMonitoringPort, imagesOf, NODE_LABEL, nodePaths, renderIstio, type IstioImages } from '../../scripts/istio/render.ts';
import { repoRoot } from '../helpers.ts';
import { SchemaValidator } from '../platforms/kubernetes/schema-validator.ts';
import { parseAllDocuments } from 'yaml';

type Obj = { apiVersion?: string; kind?: string; metadata?: { name?: string; labels?: Record<string, string> }; [k: string]: unknown };

function istioPath(): string {
  try {
    return execFileSync(join(repoRoot, 'scripts/istio.sh'), ['path'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('Istio is not built: run scripts/istio.sh build (./scripts/setup.sh --test does)');
  }
}

const images = Object.fromEntries(
  execFileSync(join(repoRoot, 'scripts/istio/images.sh'), ['refs'], { encoding: 'utf8' }).trim().split('\n').map((l) => l.split('=') as [string, string]),
) as unknown as IstioImages;
const nodes = [{ name: 'tier-node-0', dir: '/tmp/tier/node-0' }, { name: 'tier-node-1', dir: '/tmp/tier/node-1' }];
const rendered = renderIstio({ istioctl: join(istioPath(), 'istioctl'), operator: join(repoRoot, 'scripts/istio/operator.yaml'), images, nodes });
const objs = parseAllDocuments(rendered).map((d) => d.toJS() as Obj).filter(Boolean);
const named = (kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata?.name === name);
type Container = { name: string; image: string; env?: { name: string; value?: string }[]; volumeMounts?: { name: string; mountPath: string }[] };
type PodSpecT = { containers: Container[]; volumes: { name: string; hostPath?: { path: string } }[]; nodeSelector?: Record<string, string> };
const podSpec = (o: Obj) => (o.spec as { template: { spec: PodSpecT } }).template.spec;
const env = (c: Container, n: string) => c.env?.find((e) => e.name === n)?.value;

test('istiod runs as a pod from the local pilot image, with the settings upstream Envoy needs', () => {
  const istiod = named('Deployment', 'istiod');
  assert.ok(istiod, 'no istiod Deployment rendered');
  const c = podSpec(istiod!).containers.find((x) => x.name === 'discovery')!;
  assert.is(c.image, images.pilot);
  assert.is(env(c, 'PILOT_ENABLE_METADATA_EXCHANGE'), 'false');
  assert.is(env(c, 'PILOT_ENABLE_ALPN_FILTER'), 'false');
  assert.is(env(c, 'PILOT_ENABLE_AMBIENT'), 'true');
  const mesh = (named('ConfigMap', 'istio')!.data as { mesh: string }).mesh;
  assert.not.match(mesh, /prometheus/, 'a Prometheus metrics provider makes istiod send istio.stats, which upstream Envoy rejects');
});

test('the sidecar injector: its webhook names istiod and carries the revision label; the template runs the local proxy image', () => {
  const hook = objs.find((o) => o.kind === 'MutatingWebhookConfiguration');
  assert.ok(hook, 'no MutatingWebhookConfiguration rendered');
  assert.is(hook!.metadata?.labels?.['istio.io/rev'], 'default');
  const hooks = hook!.webhooks as { clientConfig: { service?: { name: string; namespace: string } }; namespaceSelector?: unknown }[];
  assert.ok(hooks.length > 0);
  for (const h of hooks) assert.equal(h.clientConfig.service && { name: h.clientConfig.service.name, namespace: h.clientConfig.service.namespace }, { name: 'istiod', namespace: 'istio-system' });
  const injector = named('ConfigMap', 'istio-sidecar-injector')!.data as { values: string };
  const values = JSON.parse(injector.values) as { global: { hub: string; tag: string; imagePullPolicy: string; proxy: { image: string } } };
  assert.is(`${values.global.hub}/${values.global.proxy.image}:${values.global.tag}`, images.proxy);
  assert.is(values.global.imagePullPolicy, 'Never');
});

test('one istio-cni and one ztunnel DaemonSet per node, pinned to it, with its own paths; no /host/proc', () => {
  for (const [i, n] of nodes.entries()) {
    const p = nodePaths(n);
    const cni = named('DaemonSet', `istio-cni-node-${n.name}`);
    assert.ok(cni, `no istio-cni DaemonSet for ${n.name}`);
    const s = podSpec(cni!);
    assert.is(s.nodeSelector?.['kubernetes.io/hostname'], n.name);
    assert.is((s as { hostNetwork?: boolean }).hostNetwork, true, 'the agent must be in the host netns: it cannot switch to it through /proc/1/ns here');
    assert.is((cni!.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels[NODE_LABEL], n.name);
    const host = Object.fromEntries(s.volumes.map((v) => [v.name, v.hostPath?.path]));
    assert.is(host['cni-bin-dir'], p.cniBinDir);
    assert.is(host['cni-net-dir'], p.cniConfDir);
    assert.is(host['cni-netns-dir'], p.netnsDir);
    assert.is(host['cni-socket-dir'], p.agentRunDir);
    assert.is(host['cni-ztunnel-sock-dir'], p.ztunnelDir);
    assert.not.ok(Object.values(host).includes('/proc'));
    const c = s.containers[0]!;
    assert.is(c.image, images['install-cni']);
    assert.is(env(c, 'ALLOW_SWITCH_TO_HOST_NS'), 'false');
    assert.is(env(c, 'CNI_AGENT_RUN_DIR'), p.agentRunDir);
    assert.is(env(c, 'MONITORING_PORT'), String(cniMonitoringPort(i)));
    assert.ok(c.volumeMounts!.some((m) => m.name === 'cni-netns-dir' && m.mountPath === `/host${p.netnsDir}`));
    const zt = named('DaemonSet', `ztunnel-${n.name}`);
    assert.ok(zt, `no ztunnel DaemonSet for ${n.name}`);
    assert.is(podSpec(zt!).containers[0]!.image, images.ztunnel);
    assert.is(podSpec(zt!).volumes.find((v) => v.name === 'cni-ztunnel-sock-dir')!.hostPath!.path, p.ztunnelDir);
  }
  assert.not.ok(named('DaemonSet', 'istio-cni-node'), 'the chart\'s one-for-all DaemonSet must not be applied as well');
});

test('every image is a local one, and a foreign image is refused with the fix', () => {
  for (const i of imagesOf(objs as Record<string, unknown>[])) assert.ok(i.startsWith('localhost/meshbench/'), i);
  const foreign = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {template: {spec: {containers: [{name: c, image: docker.io/istio/pilot:1.30.3}]}}}\n';
  assert.throws(() => adaptForTier(foreign, nodes), /docker\.io\/istio\/pilot:1\.30\.3.*no registry here can serve/);
  assert.throws(() => adaptForTier(foreign, []), /no tier nodes given/);
});

test('every object of a kind with an upstream schema validates (Kubernetes 1.35, Istio CRDs)', () => {
  const v = new SchemaValidator();
  const checked = new Set<string>();
  const problems: string[] = [];
  for (const o of objs) {
    const p = v.validate(o);
    if (p.length === 1 && p[0]!.startsWith('no upstream schema')) continue;
    checked.add(o.kind!);
    problems.push(...p.map((x) => `${o.kind}/${o.metadata?.name}: ${x}`));
  }
  assert.equal(problems, []);
  for (const k of ['Deployment', 'DaemonSet', 'ConfigMap', 'Service', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding']) assert.ok(checked.has(k), `no ${k} was validated`);
});

test.run();
