/** Rendered manifests: valid against the upstream schemas, owned, wired as each mesh needs. */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../../src/cli/main.ts';
import { dataPlaneContainersOf, MESH_NAMES, meshAdapter, meshes, PLACEMENTS, type KubernetesObject } from '../../../src/meshes/index.ts';
import { MTLS_STATS } from '../../../src/meshes/istio.ts';
import { meshOptions, OWNER_LABELS, renderTrial } from '../../../src/platforms/kubernetes/render.ts';
import { workloadService } from '../../../src/platforms/kubernetes/workload.ts';
import { readScenarioFile } from '../../../src/scenario/parse.ts';
import { resolveScenario, type ResolvedScenario } from '../../../src/scenario/resolve.ts';
import { captureIO, repoRoot } from '../../helpers.ts';
import { SchemaValidator } from './schema-validator.ts';

// Built on first use, so a missing schema folder fails these tests with its message, not the run.
let loaded: SchemaValidator | undefined;
const validator = { validate: (o: Parameters<SchemaValidator['validate']>[0]) => (loaded ??= new SchemaValidator()).validate(o) };
const shipped = readdirSync(join(repoRoot, 'scenarios')).filter((f) => f.endsWith('.yaml'));
const load = async (file: string) => resolveScenario((await readScenarioFile(join(repoRoot, 'scenarios', file))).input);
const find = (objects: KubernetesObject[], kind: string, name?: string) => objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name))!;
// `any`: the tests reach into rendered objects by path, where the object type has no fields.
type Obj = Record<string, any>;

test('every object of every mesh × placement × mTLS setting of the shipped scenarios is valid against the upstream schemas', async () => {
  let checked = 0;
  for (const file of shipped) {
    const base = await load(file);
    for (const placement of PLACEMENTS) {
      for (const mtls of [true, false]) {
        for (const router of [false, true]) {
        const s: ResolvedScenario = { ...base, kubernetes: { ...base.kubernetes, placement, mtls, appmesh: { router } } };
        // Every mesh meshbench knows, not only those the file lists.
        for (const mesh of MESH_NAMES) {
          for (const o of renderTrial(s, mesh, '20261122T093000-abc123')) {
            assert.equal(validator.validate(o), [], `${file} ${mesh} ${placement} mtls=${mtls} router=${router} ${o.kind}/${o.metadata.name}`);
            checked++;
          }
        }
        }
      }
    }
  }
  assert.ok(checked > 100, `${checked} objects`);
});

test('validation fails when a required field is dropped or an unknown one added', async () => {
  const s = await load('k8s-istio-vs-appmesh.yaml');
  const objects = renderTrial(s, 'appmesh', 'r1');
  const without = (o: KubernetesObject, drop: (x: Obj) => void) => {
    const copy = structuredClone(o) as Obj;
    drop(copy);
    return validator.validate(copy as KubernetesObject);
  };
  assert.match(without(find(objects, 'Deployment'), (d) => delete d.spec.selector).join(), /must have required property 'selector'/);
  assert.match(without(find(objects, 'Job'), (j) => delete j.spec.template.spec.containers[0].name).join(), /must have required property 'name'/);
  assert.match(without(find(objects, 'ServiceAccount'), (a) => (a.automountServiceAccountTokn = false)).join(), /must NOT have additional properties "automountServiceAccountTokn"/);
  assert.match(without(find(objects, 'VirtualNode', 'workload'), (v) => delete v.spec.listeners[0].portMapping.protocol).join(), /must have required property 'protocol'/);
  assert.match(without(find(objects, 'Service'), (v) => (v.spec.ports[0].nodePortt = 1)).join(), /must NOT have additional properties "nodePortt"/);
  assert.equal(validator.validate({ apiVersion: 'example.com/v1', kind: 'Unknown', metadata: { name: 'x' } }), ['no upstream schema for example.com/v1/Unknown']);
});

test('every object carries the run ownership label; namespaced ones sit in the trial namespace', async () => {
  const s = await load('k8s-istio-vs-appmesh.yaml');
  for (const mesh of s.meshes) {
    const objects = renderTrial(s, mesh, '20261122T093000-ABC123');
    const ns = find(objects, 'Namespace').metadata.name;
    assert.is(ns, `meshbench-${mesh}-20261122t093000-abc123`);
    for (const o of objects) {
      assert.equal({ ...o.metadata.labels, ...OWNER_LABELS('20261122T093000-ABC123') }, o.metadata.labels, `${o.kind}/${o.metadata.name} lacks the owner labels`);
      if (!['Namespace', 'Mesh'].includes(o.kind)) assert.is(o.metadata.namespace, ns, `${o.kind}/${o.metadata.name}`);
    }
  }
});

test('apply order: cluster-scoped mesh objects, namespace, accounts (no RBAC: neither pod calls the API), mesh objects, workload, load Job', async () => {
  const s = await load('k8s-istio-vs-appmesh.yaml');
  assert.equal(renderTrial(s, 'appmesh', 'r').map((o) => o.kind), ['Mesh', 'Namespace', 'ServiceAccount', 'ServiceAccount', 'VirtualNode', 'VirtualNode', 'VirtualService', 'Service', 'Deployment', 'ConfigMap', 'Job']);
  assert.equal(renderTrial(s, 'istio', 'r').map((o) => o.kind), ['Namespace', 'ServiceAccount', 'ServiceAccount', 'PeerAuthentication', 'Service', 'Deployment', 'ConfigMap', 'Job']);
  assert.equal(renderTrial(s, 'none', 'r').map((o) => o.kind), ['Namespace', 'ServiceAccount', 'ServiceAccount', 'Service', 'Deployment', 'ConfigMap', 'Job']);
});

test('App Mesh wiring: the load generator’s VirtualNode reaches the workload’s VirtualService, whose DNS name is the Service', async () => {
  const s = await load('k8s-istio-vs-appmesh.yaml');
  const objects = renderTrial(s, 'appmesh', 'r');
  const ns = find(objects, 'Namespace') as Obj;
  const vs = find(objects, 'VirtualService') as Obj;
  const loadgenNode = find(objects, 'VirtualNode', 'loadgen') as Obj;
  const workloadNode = find(objects, 'VirtualNode', 'workload') as Obj;
  const service = find(objects, 'Service') as Obj;
  assert.is(loadgenNode.spec.backends[0].virtualService.virtualServiceRef.name, vs.metadata.name);
  assert.is(vs.spec.provider.virtualNode.virtualNodeRef.name, workloadNode.metadata.name);
  assert.is(vs.spec.awsName, `${service.metadata.name}.${ns.metadata.name}.svc.cluster.local`);
  assert.equal(workloadNode.spec.podSelector.matchLabels, { app: 'workload' });
  const mesh = find(objects, 'Mesh') as Obj;
  assert.equal(mesh.spec.namespaceSelector.matchLabels, { mesh: mesh.metadata.name });
  assert.is(ns.metadata.labels.mesh, mesh.metadata.name);
  assert.is(ns.metadata.labels['appmesh.k8s.aws/sidecarInjectorWebhook'], 'enabled');
  // mTLS asked: STRICT listener TLS on the workload, enforced client TLS on the load generator.
  assert.is(workloadNode.spec.listeners[0].tls.mode, 'STRICT');
  assert.is(loadgenNode.spec.backendDefaults.clientPolicy.tls.enforce, true);
  const plaintext = renderTrial({ ...s, kubernetes: { ...s.kubernetes, mtls: false } }, 'appmesh', 'r');
  assert.is((find(plaintext, 'VirtualNode', 'workload') as Obj).spec.listeners[0].tls, undefined);
});

test('Istio: STRICT PeerAuthentication with mTLS, DISABLE plus a plaintext DestinationRule without; revision or injection label; concurrency annotation', async () => {
  const s = await load('k8s-istio-vs-appmesh.yaml');
  assert.is((find(renderTrial(s, 'istio', 'r'), 'PeerAuthentication') as Obj).spec.mtls.mode, 'STRICT');
  const plain = renderTrial({ ...s, kubernetes: { ...s.kubernetes, mtls: false } }, 'istio', 'r');
  assert.is((find(plain, 'PeerAuthentication') as Obj).spec.mtls.mode, 'DISABLE');
  assert.is((find(plain, 'DestinationRule') as Obj).spec.trafficPolicy.tls.mode, 'DISABLE');
  assert.is(find(renderTrial(s, 'istio', 'r'), 'Namespace').metadata.labels!['istio-injection'], 'enabled');
  const revised = renderTrial({ ...s, kubernetes: { ...s.kubernetes, istio: { revision: '1-30-3', concurrency: 4, waypoint: false, nativeSidecars: null, proxyResources: { cpu: '200m', memoryLimit: '256Mi' } } } }, 'istio', 'r');
  assert.equal(find(revised, 'Namespace').metadata.labels!['istio.io/rev'], '1-30-3');
  assert.is(find(revised, 'Namespace').metadata.labels!['istio-injection'], undefined);
  const annotations = (find(revised, 'Deployment') as Obj).spec.template.metadata.annotations;
  assert.equal(annotations, { 'proxy.istio.io/config': JSON.stringify({ concurrency: 4, proxyStatsMatcher: { inclusionRegexps: [MTLS_STATS] } }), 'sidecar.istio.io/proxyCPU': '200m', 'sidecar.istio.io/proxyMemoryLimit': '256Mi' });
  for (const native of [true, false]) {
    const chosen = renderTrial({ ...s, kubernetes: { ...s.kubernetes, istio: { ...s.kubernetes.istio, nativeSidecars: native } } }, 'istio', 'r');
    assert.is((find(chosen, 'Deployment') as Obj).spec.template.metadata.annotations['sidecar.istio.io/nativeSidecar'], String(native), 'classic or native sidecars, as the scenario asks');
  }
  // The stats the mTLS proof reads are kept: Envoy matches the regexp against its own stat names.
  for (const stat of ['listener.0.0.0.0_15006.ssl.handshake', 'listener.0.0.0.0_15006.ssl.no_certificate']) assert.match(stat, new RegExp(MTLS_STATS));
  assert.not.match('listener.0.0.0.0_15006.ssl.ciphers.TLS_AES_128_GCM_SHA256', new RegExp(MTLS_STATS));
});

test('placement: both pods, the server only, or none carry a sidecar', async () => {
  const s = await load('k8s-istio-vs-appmesh.yaml');
  const inject = (placement: (typeof PLACEMENTS)[number]) => {
    const o = renderTrial({ ...s, kubernetes: { ...s.kubernetes, placement } }, 'istio', 'r') as Obj[];
    const label = (kind: string) => o.find((x) => x.kind === kind)!.spec.template.metadata.labels['sidecar.istio.io/inject'];
    return [label('Deployment'), label('Job')];
  };
  assert.equal(inject('both'), ['true', 'true']);
  assert.equal(inject('server-only'), ['true', 'false']);
  assert.equal(inject('baseline'), ['false', 'false']);
  const appmeshServerOnly = renderTrial({ ...s, kubernetes: { ...s.kubernetes, placement: 'server-only' } }, 'appmesh', 'r') as Obj[];
  assert.is(appmeshServerOnly.find((x) => x.kind === 'Job')!.spec.template.metadata.annotations['appmesh.k8s.aws/sidecarInjectorWebhook'], 'disabled');
  assert.equal(appmeshServerOnly.find((x) => x.kind === 'Deployment')!.spec.template.metadata.annotations, {});
});

test('adapter facts: data-plane containers, in containers or as native sidecars; how a meshed Job ends', () => {
  const opts = { namespace: 'n', runId: 'r', mtls: true, placement: 'both' as const, workload: { name: 'workload', port: 8080 }, loadgen: { name: 'loadgen' }, clusterDomain: 'cluster.local', istio: { revision: null, concurrency: 2, waypoint: false, nativeSidecars: null, proxyResources: {} }, appmesh: { router: false } };
  const istio = meshes.istio.kubernetesOverlay(opts);
  const appmesh = meshes.appmesh.kubernetesOverlay(opts);
  assert.equal(istio.dataPlaneContainers, ['istio-proxy']);
  assert.equal(appmesh.dataPlaneContainers, ['envoy']);
  assert.equal(meshes.none.kubernetesOverlay(opts).dataPlaneContainers, []);
  assert.equal(dataPlaneContainersOf({ containers: [{ name: 'app' }, { name: 'istio-proxy' }] }, istio.dataPlaneContainers), ['istio-proxy']);
  assert.equal(dataPlaneContainersOf({ containers: [{ name: 'app' }], initContainers: [{ name: 'istio-init' }, { name: 'istio-proxy', restartPolicy: 'Always' }] }, istio.dataPlaneContainers), ['istio-proxy']);
  assert.equal(istio.jobTermination, { method: 'native-sidecar', otherwise: { method: 'http-post', url: 'http://127.0.0.1:15020/quitquitquit' } });
  assert.equal(appmesh.jobTermination, { method: 'http-post', url: 'http://127.0.0.1:9901/quitquitquit' });
});

test('Istio ambient: namespace enrolled, an optional waypoint, pods opting out by placement, cost charged to ztunnel and waypoint pods', async () => {
  const s = await load('istio-sidecar-vs-ambient.yaml');
  assert.ok(s.kubernetes.istio.waypoint);
  const objects = renderTrial(s, 'istio-ambient', 'r') as Obj[];
  const ns = find(objects as KubernetesObject[], 'Namespace') as Obj;
  assert.is(ns.metadata.labels['istio.io/dataplane-mode'], 'ambient');
  assert.is(ns.metadata.labels['istio.io/use-waypoint'], 'waypoint');
  const gw = objects.find((o) => o.kind === 'Gateway')!;
  assert.equal([gw.spec.gatewayClassName, gw.spec.listeners], ['istio-waypoint', [{ name: 'mesh', port: 15008, protocol: 'HBONE' }]]);
  assert.equal(objects.find((o) => o.kind === 'Job')!.spec.template.metadata.labels['istio.io/dataplane-mode'], undefined);
  const serverOnly = renderTrial({ ...s, kubernetes: { ...s.kubernetes, placement: 'server-only' } }, 'istio-ambient', 'r') as Obj[];
  assert.is(serverOnly.find((o) => o.kind === 'Job')!.spec.template.metadata.labels['istio.io/dataplane-mode'], 'none');
  const overlay = meshes['istio-ambient'].kubernetesOverlay({ namespace: 'n', runId: 'r', mtls: true, placement: 'both', workload: { name: 'workload', port: 8080 }, loadgen: { name: 'loadgen' }, clusterDomain: 'cluster.local', istio: { revision: null, concurrency: 2, waypoint: true, nativeSidecars: null, proxyResources: {} }, appmesh: { router: false } });
  assert.equal(overlay.dataPlaneContainers, []);
  assert.equal(overlay.dataPlanePods.map((p) => [p.role, p.namespace, p.container]), [['control-plane', 'istio-system', 'discovery'], ['node-proxy', 'istio-system', 'istio-proxy'], ['waypoint', 'n', 'istio-proxy']]);
  assert.equal(overlay.jobTermination, { method: 'none' });
  const noWaypoint = renderTrial({ ...s, kubernetes: { ...s.kubernetes, istio: { ...s.kubernetes.istio, waypoint: false } } }, 'istio-ambient', 'r');
  assert.is(noWaypoint.find((o) => o.kind === 'Gateway'), undefined);
});

test('a mesh without a local emulation is refused for platform local, before anything starts', async () => {
  // Linkerd has none (istio-ambient has had one since the local platform runs real ztunnels).
  const file = join(mkdtempSync(join(tmpdir(), 'meshbench-linkerd-local-')), 'linkerd-local.yaml');
  writeFileSync(file, 'name: linkerd locally\nmeshes: [none, linkerd]\n');
  const io = captureIO();
  assert.is(await main(['run', file], io), 2);
  assert.match(io.err(), /linkerd-local\.yaml:2:16: error: mesh `linkerd` has no local emulation yet/);
});

test('Linkerd: injection by annotation, opt-out per pod, its proxy container, shutdown through its admin port', async () => {
  const s = await load('k8s-istio-vs-appmesh.yaml');
  const objects = renderTrial({ ...s, kubernetes: { ...s.kubernetes, placement: 'server-only' } }, 'linkerd', 'r') as Obj[];
  assert.equal(objects.find((o) => o.kind === 'Namespace')!.metadata.annotations, { 'linkerd.io/inject': 'enabled' });
  assert.equal(objects.find((o) => o.kind === 'Job')!.spec.template.metadata.annotations, { 'linkerd.io/inject': 'disabled' });
  assert.equal(objects.find((o) => o.kind === 'Deployment')!.spec.template.metadata.annotations, {});
  const overlay = meshes.linkerd.kubernetesOverlay({ namespace: 'n', runId: 'r', mtls: true, placement: 'both', workload: { name: 'workload', port: 8080 }, loadgen: { name: 'loadgen' }, clusterDomain: 'cluster.local', istio: { revision: null, concurrency: 2, waypoint: false, nativeSidecars: null, proxyResources: {} }, appmesh: { router: false } });
  assert.equal(overlay.dataPlaneContainers, ['linkerd-proxy']);
  assert.equal(overlay.jobTermination, { method: 'http-post', url: 'http://127.0.0.1:4191/shutdown' });
});

test('App Mesh through a router: a VirtualRouter with a weighted Route to the workload’s VirtualNode, and the VirtualService points at the router', async () => {
  const s = await load('k8s-istio-vs-appmesh.yaml');
  const objects = renderTrial({ ...s, kubernetes: { ...s.kubernetes, appmesh: { router: true } } }, 'appmesh', 'r') as Obj[];
  const router = objects.find((o) => o.kind === 'VirtualRouter')!;
  const vs = objects.find((o) => o.kind === 'VirtualService')!;
  assert.equal(router.spec.routes[0].httpRoute.action.weightedTargets, [{ virtualNodeRef: { name: 'workload' }, weight: 100 }]);
  assert.equal(vs.spec.provider, { virtualRouter: { virtualRouterRef: { name: router.metadata.name } } });
  assert.equal(objects.map((o) => o.kind).slice(4, 8), ['VirtualNode', 'VirtualNode', 'VirtualRouter', 'VirtualService']);
});

test('a custom mesh from the scenario: its labels, opt-out, manifests in the trial namespace, data-plane containers and Job ending', async () => {
  const s = resolveScenario((await readScenarioFile(join(repoRoot, 'test/fixtures/scenarios/good/custom-mesh.yaml'))).input);
  for (const placement of PLACEMENTS) {
    for (const o of renderTrial({ ...s, kubernetes: { ...s.kubernetes, placement } }, 'kuma', 'r')) assert.equal(validator.validate(o), [], `${placement} ${o.kind}`);
  }
  const objects = renderTrial({ ...s, kubernetes: { ...s.kubernetes, placement: 'server-only' } }, 'kuma', 'r') as Obj[];
  const ns = objects.find((o) => o.kind === 'Namespace')!;
  assert.is(ns.metadata.labels['kuma.io/sidecar-injection'], 'enabled');
  assert.is(objects.find((o) => o.kind === 'Job')!.spec.template.metadata.labels['kuma.io/sidecar-injection'], 'disabled');
  const cm = objects.find((o) => o.kind === 'ConfigMap')!;
  assert.equal([cm.metadata.namespace, cm.metadata.labels['meshbench.io/run-id']], [ns.metadata.name, 'r']);
  const adapter = meshAdapter(s, 'kuma');
  assert.is(adapter.displayName, 'Kuma');
  assert.is(adapter.localProfile, null);
  const overlay = adapter.kubernetesOverlay(meshOptions(s, 'n', 'r'));
  assert.equal(overlay.dataPlaneContainers, ['kuma-sidecar']);
  assert.equal(overlay.jobTermination, { method: 'http-post', url: 'http://127.0.0.1:9901/quitquitquit' });
});

test('pure constructors give exactly the expected object', () => {
  assert.equal(workloadService({ namespace: 'ns', ownerLabels: { o: '1' } }), {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'workload', namespace: 'ns', labels: { o: '1', app: 'workload' } },
    spec: { selector: { app: 'workload' }, ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }] },
  });
});

test('bench render prints YAML documents or a JSON List, in apply order; an unknown mesh is a usage error', async () => {
  const io = captureIO();
  assert.is(await main(['render', 'scenarios/k8s-istio-vs-appmesh.yaml', '--mesh', 'istio'], io), 0, io.err());
  const docs = parseAllDocuments(io.out()).map((d) => d.toJS() as KubernetesObject);
  assert.equal(docs.map((d) => d.kind), ['Namespace', 'ServiceAccount', 'ServiceAccount', 'PeerAuthentication', 'Service', 'Deployment', 'ConfigMap', 'Job']);
  // The load is meshbench's own engine on a stock Node image, its bundle elided, not Fortio.
  const job = docs.at(-1) as unknown as { spec: { completionMode: string; template: { spec: { containers: { name: string; image: string; command: string[] }[] } } } };
  const loader = job.spec.template.spec.containers[0]!;
  assert.is(job.spec.completionMode, 'Indexed');
  assert.equal([loader.name, loader.image, loader.command[0]], ['loadgen', 'node:24-alpine', 'node']);
  assert.not.match(io.out(), /fortio load|-qps/);
  const engine = docs.at(-2) as unknown as { data: Record<string, string> };
  assert.match(Object.values(engine.data).join('\n'), /meshbench load engine bundle .*elided/);
  assert.match(Object.values(engine.data).join('\n'), /"rateRps": 1000/);
  const json = captureIO();
  assert.is(await main(['render', 'scenarios/k8s-istio-vs-appmesh.yaml', '-o', 'json'], json), 0);
  const list = JSON.parse(json.out()) as { kind: string; items: KubernetesObject[] };
  assert.is(list.kind, 'List');
  assert.is(list.items.filter((o) => o.kind === 'Namespace').length, 3);
  const bad = captureIO();
  assert.is(await main(['render', 'scenarios/k8s-istio-vs-appmesh.yaml', '--mesh', 'linkerd'], bad), 2);
  assert.match(bad.err(), /mesh "linkerd" is not in this scenario/);
});

test.run();
