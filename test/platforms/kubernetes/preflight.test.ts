/**
 * Preflight against the real API server: each missing mesh component gives its own message (what,
 * where, how to install it), and nothing is created. The components are added one by one, so each
 * message is seen to go away when what it asks for is there.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { preflight, type PreflightReport } from '../../../src/platforms/kubernetes/preflight.ts';
import { KubernetesPlatform } from '../../../src/platforms/kubernetes/platform.ts';
import { PreflightError } from '../../../src/platforms/kubernetes/problems.ts';
import { ExitCode } from '../../../src/errors.ts';
import { main } from '../../../src/cli/main.ts';
import { captureIO } from '../../helpers.ts';
import { install, installControlPlane, installCrds, istioInjector, mutatingWebhook, ownedNamespaces, remove, removeControlPlane, removeCrds, CONTROL_PLANES } from './cluster-fixtures.ts';
import { k8sScenario } from './scenarios.ts';
import { hook, tier, uniqueRunId } from './tier.ts';

const runId = uniqueRunId('pre');
const check = async (meshes: string[], k: Parameters<typeof k8sScenario>[1] = {}): Promise<PreflightReport> => {
  const report = await preflight({ client: tier().client, scenario: await k8sScenario(meshes, k), runId });
  // Whatever preflight found, it created nothing.
  assert.equal(await ownedNamespaces(tier().client, runId), []);
  return report;
};
const text = (r: PreflightReport) => r.problems.map((p) => `${p.where}: ${p.what} | fix: ${p.fix}`).join('\n');
const CLOSED_PORT_URL = 'https://127.0.0.1:9/inject';

test.before(hook(async () => {
  const { client } = tier();
  // A tier kept from an earlier test process may still have them.
  for (const w of ['istio-sidecar-injector', 'appmesh-controller-mutating-webhook-configuration', 'linkerd-proxy-injector-webhook-config']) {
    await remove(client, { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: w } });
  }
  for (const c of Object.keys(CONTROL_PLANES) as (keyof typeof CONTROL_PLANES)[]) await removeControlPlane(client, c);
  await removeCrds(client, 'istio');
  await removeCrds(client, 'appmesh');
  await removeCrds(client, 'gateway');
}));

test('no mesh: nothing to install, and two schedulable nodes satisfy the anti-affinity', async () => {
  const r = await check(['none']);
  assert.equal(r.problems, []);
  assert.match(r.components.kubernetes ?? '', /^v1\.35\./);
});

test('istio: missing CRDs, istiod and the injector each say what to install; each goes away once installed', async () => {
  const { client } = tier();
  let r = await check(['istio']);
  assert.match(text(r), /does not serve PeerAuthentication \(security\.istio\.io\/v1\).*CRD is not installed.*fix: install Istio/);
  assert.match(text(r), /mesh istio: istiod: istiod is not installed: no Deployment labelled app=istiod .*istio-system.*fix: install Istio: istioctl install/);
  assert.match(text(r), /no Istio sidecar injector webhook would inject the pods of namespace meshbench-istio-t.* \(namespace labels: .*istio-injection=enabled.*\); no such MutatingWebhookConfiguration exists/);
  assert.is(r.problems.length, 3, text(r));

  await installCrds(client, 'istio');
  r = await check(['istio']);
  assert.not.match(text(r), /PeerAuthentication/);
  assert.is(r.problems.length, 2, text(r));

  await installControlPlane(client, 'istiod');
  r = await check(['istio']);
  assert.is(r.components.istiod, '1.30.3');
  // Istio 1.30 injects native sidecars unless ENABLE_NATIVE_SIDECARS says otherwise.
  assert.equal(r.nativeSidecars, { istio: true });
  // The verdict weighs the API server's version too (1.29+), and the run's environment says why.
  assert.match(r.components['istio native sidecars'] ?? '', /^yes \(Istio 1\.30\.3 \(1\.27 or later\) on Kubernetes v1\.35\.\d+ injects native sidecars by default\)$/);
  assert.is(r.problems.length, 1, text(r));

  await install(client, istioInjector(CLOSED_PORT_URL));
  r = await check(['istio']);
  assert.equal(r.problems, [], text(r));
});

test('istio with a revision: the default injector does not count, and the message names the revisions installed', async () => {
  const r = await check(['istio'], { istio: { revision: '1-31-0', concurrency: 2, waypoint: false, nativeSidecars: null, proxyResources: {} } });
  assert.match(text(r), /no Deployment labelled app=istiod,istio\.io\/rev=1-31-0/);
  assert.match(text(r), /namespace labels: .*istio\.io\/rev=1-31-0.*found istio-sidecar-injector \(revisions: default\), but none selects this namespace and its pods.*fix: install revision 1-31-0/);
});

test('istio-ambient with a waypoint: ztunnel, istio-cni and the Gateway API CRDs are required', async () => {
  const { client } = tier();
  const ambient = { istio: { revision: null, concurrency: 2, waypoint: true, nativeSidecars: null, proxyResources: {} } };
  let r = await check(['istio-ambient'], ambient);
  assert.match(text(r), /does not serve Gateway \(gateway\.networking\.k8s\.io\/v1\).*fix: install the Gateway API CRDs/);
  assert.match(text(r), /ztunnel is not installed: no DaemonSet labelled app=ztunnel.*fix: install Istio with the ambient profile/);
  assert.match(text(r), /istio-cni is not installed: no DaemonSet labelled k8s-app=istio-cni-node/);
  assert.not.match(text(r), /injector/);
  await installCrds(client, 'gateway');
  await installControlPlane(client, 'ztunnel');
  await installControlPlane(client, 'istio-cni');
  r = await check(['istio-ambient'], ambient);
  assert.equal(r.problems, [], text(r));
  assert.is(r.components.ztunnel, '1.30.3');
  // Without a waypoint the Gateway API is not needed: the Gateway is not rendered.
  await removeCrds(client, 'gateway');
  assert.equal((await check(['istio-ambient'])).problems, []);
});

test('appmesh on Kubernetes: refused (exit 2) in under 10 s with the end of App Mesh\'s service and `bench import` as the way in; nothing created', async () => {
  const { client, kubeconfig } = tier();
  // Even with everything App Mesh needs installed: its control plane is an AWS service that is gone.
  await installCrds(client, 'appmesh');
  await installControlPlane(client, 'appmesh-controller');
  const t0 = Date.now();
  const r = await check(['none', 'appmesh']);
  assert.equal(r.problems.map((p) => p.where), ['meshes: appmesh'], text(r));
  assert.match(text(r), /AWS App Mesh's control plane is an AWS service that ended on 2026-09-30.*would only wait out its readiness timeout/);
  assert.match(text(r), /fix: remove appmesh from meshes; bring archived App Mesh results in with `bench import FILE\.\.\. --mesh appmesh`/);

  // The whole command, as a user meets it: exit 2, the reason on stderr, well within 10 s.
  const io = captureIO();
  assert.is(await main(['run', 'scenarios/k8s-istio-vs-appmesh.yaml', '--kubeconfig', kubeconfig, '--output', mkdtempSync(join(tmpdir(), 'meshbench-appmesh-'))], io), 2);
  assert.match(io.err(), /ended on 2026-09-30/);
  assert.match(io.err(), /bench import/);
  const elapsedMs = Date.now() - t0;
  assert.ok(elapsedMs < 10_000, `refused after ${elapsedMs} ms`);
  assert.equal(await ownedNamespaces(client, runId), []);
  await removeControlPlane(client, 'appmesh-controller');
  await removeCrds(client, 'appmesh');
});

test('linkerd: the proxy injector', async () => {
  const { client } = tier();
  let r = await check(['linkerd']);
  assert.match(text(r), /linkerd proxy injector is not installed/);
  assert.match(text(r), /no Linkerd proxy injector webhook would inject/);
  await installControlPlane(client, 'linkerd-injector');
  await install(client, mutatingWebhook({ name: 'linkerd-proxy-injector-webhook-config', webhookName: 'linkerd-proxy-injector.linkerd.io', url: CLOSED_PORT_URL }));
  r = await check(['linkerd']);
  assert.equal(r.problems, [], text(r));
});

test('a custom mesh is checked against the requirements its scenario declares (customMeshes.NAME.preflight)', async () => {
  const preflightOf = [{ kind: 'workload' as const, component: 'kuma-control-plane', workloadKind: 'Deployment' as const, namespace: 'kuma-system', selector: { app: 'kuma-control-plane' }, fix: 'kumactl install control-plane | kubectl apply -f -' }];
  const base = await k8sScenario(['kuma']);
  const scenario = { ...base, customMeshes: { kuma: { displayName: 'Kuma', namespaceLabels: { 'kuma.io/sidecar-injection': 'enabled' }, namespaceAnnotations: {}, podLabels: {}, podAnnotations: {}, optOut: { labels: {}, annotations: {} }, dataPlaneContainers: ['kuma-sidecar'], manifests: [], clusterManifests: [], jobTermination: { method: 'none' as const }, preflight: preflightOf } } };
  const r = await preflight({ client: tier().client, scenario, runId });
  assert.match(text(r), /mesh kuma: kuma-control-plane: kuma-control-plane is not installed.*fix: kumactl install control-plane/);
});

test('the platform refuses to start with exit 2, listing every problem, and creates nothing', async () => {
  const { client } = tier();
  await removeControlPlane(client, 'istiod');
  const scenario = await k8sScenario(['istio', 'linkerd'], { nodeSelector: { 'meshbench.io/no-such-node': 'x' } });
  try {
    await KubernetesPlatform.create({ client, scenario, runId });
    assert.unreachable('preflight passed');
  } catch (e) {
    assert.instance(e, PreflightError);
    const err = e as PreflightError;
    assert.is(err.exitCode, ExitCode.usage);
    assert.match(err.message, /istiod is not installed/);
    assert.match(err.message, /no schedulable node matches the workload's node selector meshbench\.io\/no-such-node=x/);
  }
  assert.equal(await ownedNamespaces(client, runId), []);
});

test.after(hook(async () => {
  const { client } = tier();
  for (const w of ['istio-sidecar-injector', 'appmesh-controller-mutating-webhook-configuration', 'linkerd-proxy-injector-webhook-config']) {
    await remove(client, { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: w } });
  }
  for (const c of Object.keys(CONTROL_PLANES) as (keyof typeof CONTROL_PLANES)[]) await removeControlPlane(client, c);
}));

test.run();
