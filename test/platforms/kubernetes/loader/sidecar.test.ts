/**
 * A classic sidecar that never quits keeps its Job from completing; the runner does not wait for
 * that, only for the loader container's own terminated state, and reads the log of that container
 * by name (a two-container pod's log cannot be read without one). kwok's pod-complete stage ends
 * every container of a Job's pod, so the pod here is made as the Job's own pod would be (its
 * labels and index) and its status is written as a kubelet would: loader terminated, proxy running.
 */
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeResultLine } from '../../../../src/load/result-line.ts';
import { applyObjects } from '../../../../src/platforms/kubernetes/apply.ts';
import { KubeApiError } from '../../../../src/platforms/kubernetes/client.ts';
import { loaderConfigMap, loaderJob } from '../../../../src/platforms/kubernetes/loader/job.ts';
import { readLoaderOutput, waitLoaderPods } from '../../../../src/platforms/kubernetes/loader/runner.ts';
import { startHoldingTarget } from '../../../load/holding-target.ts';
import { rejection, tier } from '../tier.ts';
import { buildBundle, Namespaces, podLogFile, smallRequest } from './fixtures.ts';
import { runAsPod } from './pod-sim.ts';

let podLog: Awaited<ReturnType<typeof podLogFile>>;
const namespaces = new Namespaces();
test.before(async () => {
  podLog = await podLogFile();
});
test.after(async () => {
  podLog.restore();
  await namespaces.deleteAll();
});

test('the proxy still runs and the Job is not complete: the runner returns on the loader\'s terminated state and reads the loader\'s log by name', async () => {
  const { client } = tier();
  const { ns, runId } = await namespaces.create('sidecar');
  const bundle = await buildBundle();
  const target = await startHoldingTarget(() => true);
  const r = smallRequest(ns, runId, target.url, 1);
  const local = await runAsPod(loaderConfigMap(r, bundle), loaderJob(r), 0).finally(() => target.close());
  assert.is(local.code, 0, local.stderr);
  writeFileSync(podLog.path, local.criLog);

  // The Job exists but makes no pod of its own (suspended); its pod is the one below.
  const job = { ...loaderJob(r), spec: { ...(loaderJob(r).spec as object), suspend: true } };
  await applyObjects(client, [loaderConfigMap(r, bundle), job]);
  const podName = `${r.name}-0-meshb`;
  await applyObjects(client, [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: podName, namespace: ns, labels: { ...r.ownerLabels, 'batch.kubernetes.io/job-name': r.name }, annotations: { 'batch.kubernetes.io/job-completion-index': '0' } },
      spec: { nodeName: 'kwok-node-1', serviceAccountName: 'loadgen', containers: [{ name: 'loadgen', image: 'node:24-alpine' }, { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.30.3' }] },
    },
  ]);
  const podPath = `/api/v1/namespaces/${ns}/pods/${podName}`;
  for (let i = 0; i < 100 && (await client.get<{ status?: { phase?: string } }>(podPath)).status?.phase !== 'Running'; i++) await sleep(100);
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await client.request('PATCH', `${podPath}/status`, {
    contentType: 'application/strategic-merge-patch+json',
    body: {
      status: {
        containerStatuses: [
          { name: 'loadgen', image: 'node:24-alpine', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now } } },
          { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.30.3', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: now } } },
        ],
      },
    },
  });

  const ended = await waitLoaderPods(client, { namespace: ns, jobName: r.name, pods: 1, startEpochMs: Date.now() + 30_000, deadlineEpochMs: Date.now() + 60_000, pollMs: 200 });
  assert.equal(ended.map((e) => [e.index, e.pod.metadata.name, e.terminated.exitCode]), [[0, podName, 0]]);
  const out = await readLoaderOutput(client, ended[0]!);
  assert.is(decodeResultLine(out.resultLine!).outcome.ok.totalCount, 150);
  // The proxy runs on and the Job has not completed: waiting for completion would have hung.
  const pod = await client.get<{ status: { containerStatuses: { name: string; state: object }[] } }>(podPath);
  assert.ok('running' in pod.status.containerStatuses.find((c) => c.name === 'istio-proxy')!.state);
  const cur = await client.get<{ status?: { conditions?: { type: string; status: string }[] } }>(`/apis/batch/v1/namespaces/${ns}/jobs/${r.name}`);
  assert.not.ok(cur.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True'));
  // Without the container's name, the API server refuses to pick one of the two.
  const err = await rejection(client.getText(`${podPath}/log`));
  assert.instance(err, KubeApiError);
  assert.is((err as KubeApiError).status, 400);
});

test.run();
