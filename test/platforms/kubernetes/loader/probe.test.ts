/**
 * Native sidecars, found before the Job exists: a server dry run of one loader pod goes through a
 * real mutating webhook (a loopback HTTPS server registered with the tier's API server, acting as
 * Istio's injector) and shows the proxy it adds: a native sidecar, a classic container, or none.
 * Nothing is persisted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loaderJob } from '../../../../src/platforms/kubernetes/loader/job.ts';
import { probeLoaderPod } from '../../../../src/platforms/kubernetes/loader/probe.ts';
import { install, mutatingWebhook, remove } from '../cluster-fixtures.ts';
import { startInjectionWebhook, type InjectionWebhook } from '../injection-webhook.ts';
import { tier } from '../tier.ts';
import { Namespaces, smallRequest } from './fixtures.ts';

const namespaces = new Namespaces();
let webhook: InjectionWebhook | undefined;
let config: ReturnType<typeof mutatingWebhook> | undefined;

test.after(async () => {
  if (config) await remove(tier().client, config);
  await webhook?.close();
  await namespaces.deleteAll();
});

test('the dry-run loader pod shows what the injector adds: native sidecar, classic container, or nothing; nothing is created', async () => {
  const { client } = tier();
  const { ns, runId } = await namespaces.create('probe');
  webhook = await startInjectionWebhook();
  // Only this test's namespace goes through the stand-in injector.
  config = mutatingWebhook({ name: `meshbench-test-loader-probe-${runId}`, webhookName: 'loader-probe.meshbench.test', namespaceSelector: { matchLabels: { 'meshbench.io/run-id': runId.toLowerCase() } }, url: webhook.url, caBundle: webhook.caBundle, failurePolicy: 'Fail' });
  await install(client, config);
  const job = loaderJob(smallRequest(ns, runId, new URL('http://workload:8080/'), 1));

  webhook.mode = 'native-sidecar';
  // The API server takes a moment to see a new webhook configuration.
  let probe = await probeLoaderPod(client, job, ['istio-proxy']);
  for (let i = 0; i < 50 && webhook.calls === 0; i++) {
    await sleep(200);
    probe = await probeLoaderPod(client, job, ['istio-proxy']);
  }
  assert.ok(webhook.calls > 0, 'the injector was called for the dry run');
  assert.equal(probe, { proxies: ['istio-proxy'], nativeSidecars: true });

  webhook.mode = 'container';
  assert.equal(await probeLoaderPod(client, job, ['istio-proxy']), { proxies: ['istio-proxy'], nativeSidecars: false });
  webhook.mode = 'nothing';
  assert.equal(await probeLoaderPod(client, job, ['istio-proxy']), { proxies: [], nativeSidecars: false });
  assert.equal(await client.list(`/api/v1/namespaces/${ns}/pods`), []);
});

test.run();
