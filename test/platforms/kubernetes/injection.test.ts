/**
 * The mesh must really be in the pods before any load. A real mutating webhook (a loopback HTTPS
 * server the API server calls) plays Istio's injector: when it adds the proxy the trial deploys
 * and says so; when it admits the pods untouched, deploy fails with the documented message and
 * tears down, so no run labels a no-sidecar measurement "istio". (App Mesh is refused at preflight
 * since its control plane ended: preflight.test.ts.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RunError } from '../../../src/errors.ts';
import { KubernetesPlatform } from '../../../src/platforms/kubernetes/platform.ts';
import { loadLevels } from '../../../src/scenario/plan.ts';
import { install, installControlPlane, installCrds, istioInjector, ownedNamespaces, remove, removeControlPlane } from './cluster-fixtures.ts';
import { PROXY_IMAGE, startInjectionWebhook, type InjectionWebhook } from './injection-webhook.ts';
import { k8sScenario } from './scenarios.ts';
import { hook, tier, uniqueRunId } from './tier.ts';

let webhook: InjectionWebhook;
const APPMESH_INJECTOR = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'appmesh-controller-mutating-webhook-configuration' } };
const INJECTOR = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'istio-sidecar-injector' } };

test.before(hook(async () => {
  const { client } = tier();
  webhook = await startInjectionWebhook();
  await installCrds(client, 'istio');
  await installControlPlane(client, 'istiod');
  // failurePolicy Ignore, unlike a real injector: the tier outlives this process, and a
  // configuration left behind by a killed test must not refuse later tests' pods.
  await install(client, istioInjector(webhook.url, webhook.caBundle));
}));

async function deployIstio(tag: string) {
  const { client } = tier();
  const runId = uniqueRunId(tag);
  const scenario = await k8sScenario(['istio']);
  const platform = await KubernetesPlatform.create({ client, scenario, runId, readyTimeoutMs: 60_000, teardownTimeoutMs: 90_000 });
  const trial = { index: 0, mesh: 'istio', level: loadLevels(scenario)[0]!, repetition: 1 };
  return { runId, platform, result: await platform.deploy({ trial }, new AbortController().signal).catch((e: unknown) => e as Error) };
}

test('the injector adds istio-proxy as a native sidecar: the check passes, the proxy is watched as a sidecar, and its image and native sidecars are recorded', async () => {
  webhook.mode = 'native-sidecar';
  const before = webhook.calls;
  const { runId, platform, result } = await deployIstio('inj');
  assert.not.instance(result, Error, String(result));
  const d = result as Exclude<typeof result, Error>;
  assert.ok(webhook.calls > before, 'the API server never called the webhook');
  // istiod's own pod (the stand-in control plane installed above) is watched too, as the control plane.
  assert.equal(d.containers.map((c) => `${c.role}:${c.container}`).sort(), ['app:app', 'control-plane:discovery', 'sidecar:istio-proxy']);
  assert.is(d.components['istio-proxy image'], PROXY_IMAGE);
  assert.is(d.components['native sidecars'], 'yes');
  assert.is(d.components.istiod, '1.30.3');
  // The platform's own record, for the run's environment, now names the proxy too.
  assert.is(platform.components['istio-proxy image'], PROXY_IMAGE);
  await platform.teardown(d);
  assert.equal(await ownedNamespaces(tier().client, runId), []);
});

test('the injector admits the pods without a proxy: deploy fails naming the pod, the missing container and the label to fix, and tears down', async () => {
  webhook.mode = 'nothing';
  const before = webhook.calls;
  const { runId, result } = await deployIstio('noinj');
  assert.ok(webhook.calls > before, 'the API server never called the webhook');
  assert.instance(result, RunError);
  const err = result as RunError;
  assert.match(err.message, /mesh istio is not in the trial's pods/);
  assert.match(err.message, /pod meshbench-istio-t[a-z0-9-]+\/workload-[a-z0-9-]+: the mesh's data plane is not in the pod: no istio-proxy container, neither in containers nor as a native sidecar \(the namespace carries labels istio-injection=enabled/);
  assert.match(err.message, /measuring it would label a no-sidecar run "istio"/);
  assert.match(err.fix ?? '', /istio-injection=enabled \(or istio\.io\/rev=REVISION\) must match an installed injector/);
  assert.equal(await ownedNamespaces(tier().client, runId), []);
});

test.after(hook(async () => {
  const { client } = tier();
  await remove(client, INJECTOR);
  await remove(client, APPMESH_INJECTOR);
  await removeControlPlane(client, 'istiod');
  await removeControlPlane(client, 'appmesh-controller');
  await webhook.close();
}));

test.run();
