/**
 * The engine Job on the real API server tier. kwok runs no container: its pods become Running,
 * Job pods end with exit code 0, and every pod's log is the one file the tier serves (its
 * ClusterLogs). So the tests first run the engine as the Job's pod would (pod-sim.ts: the Job's
 * own ConfigMap and container spec, plain Node 24, a loopback target) and serve that output as
 * the loader's log; for three pods, each pod's output is served while that pod's log is read.
 */
import { writeFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RunError } from '../../../../src/errors.ts';
import { decodeResultLine, mergeOutcomes } from '../../../../src/load/result-line.ts';
import type { LoadOutcome } from '../../../../src/load/types.ts';
import { applyObjects } from '../../../../src/platforms/kubernetes/apply.ts';
import { collectPodResults } from '../../../../src/platforms/kubernetes/loader/pod-results.ts';
import { loaderConfigMap, loaderJob } from '../../../../src/platforms/kubernetes/loader/job.ts';
import { readLoaderOutput, runLoader, waitLoaderPods } from '../../../../src/platforms/kubernetes/loader/runner.ts';
import { encodeHistogram } from '../../../../src/results/histogram.ts';
import { startHoldingTarget } from '../../../load/holding-target.ts';
import { rejection, tier } from '../tier.ts';
import { buildBundle, Namespaces, podLogFile, smallRequest } from './fixtures.ts';
import { runAsPod } from './pod-sim.ts';

let bundle = '';
let podLog: Awaited<ReturnType<typeof podLogFile>>;
const namespaces = new Namespaces();

test.before(async () => {
  bundle = await buildBundle();
  podLog = await podLogFile();
});

test.after(async () => {
  podLog.restore();
  await namespaces.deleteAll();
});

/** Every figure and histogram of two outcomes, histograms compared by their encoding (bucket for bucket). */
function assertSameOutcome(a: LoadOutcome, b: LoadOutcome): void {
  const plain = (o: LoadOutcome) => ({
    ...o,
    ok: encodeHistogram(o.ok),
    non2xx: encodeHistogram(o.non2xx),
    error: encodeHistogram(o.error),
    uncorrected: o.uncorrected && encodeHistogram(o.uncorrected),
    schedulerLag: o.schedulerLag && encodeHistogram(o.schedulerLag),
  });
  assert.equal(plain(a), plain(b));
}

test('logs to result: the loader pod\'s log, read by container name, gives the very LoadOutcome the engine printed', async () => {
  const { client } = tier();
  const { ns, runId } = await namespaces.create('logs');
  const target = await startHoldingTarget((n) => n % 40 !== 3);
  const r = smallRequest(ns, runId, target.url, 1);
  const local = await runAsPod(loaderConfigMap(r, bundle), loaderJob(r), 0).finally(() => target.close());
  assert.is(local.code, 0, local.stderr);
  writeFileSync(podLog.path, local.criLog);

  const { startEpochMs: _s, activeDeadlineSeconds: _d, ...runRequest } = r;
  const run = await runLoader(client, { request: runRequest, bundle, startLeadMs: 30_000, pollMs: 200 });
  assert.is(run.pods.length, 1);
  const pod = run.pods[0]!;
  assert.is(pod.index, 0);
  assert.match(pod.node, /^kwok-node-/);
  assert.is(pod.exitCode, 0);
  // The whole log: the engine's progress (stderr) and its result line (stdout).
  assert.match(pod.log, /meshbench load pod 0\/1: measure at/);
  const fromCluster = decodeResultLine(pod.resultLine!).outcome;
  assertSameOutcome(fromCluster, decodeResultLine(local.stdout).outcome);
  assert.ok(fromCluster.errorsByClass.timeout > 0, 'the held requests are in the figures');
  // The Job in the cluster carries the common start the runner chose.
  const job = await client.get<any>(`/apis/batch/v1/namespaces/${ns}/jobs/loadgen-c6-r300`);
  const env = job.spec.template.spec.containers[0].env as { name: string; value: string }[];
  assert.is(env.find((e) => e.name === 'MESHBENCH_START_EPOCH_MS')!.value, String(run.startEpochMs));
  assert.equal(run.window, { startEpochMs: run.startEpochMs + 100, endEpochMs: run.startEpochMs + 600 });
});

test('a 3-pod Indexed Job: three pods, one per index, whose results merge exactly into the three histograms added', async () => {
  const { client } = tier();
  const { ns, runId } = await namespaces.create('merge');
  const target = await startHoldingTarget(() => true);
  const r = smallRequest(ns, runId, target.url, 3);
  const local = await Promise.all([0, 1, 2].map((i) => runAsPod(loaderConfigMap(r, bundle), loaderJob(r), i))).finally(() => target.close());
  local.forEach((l) => assert.is(l.code, 0, l.stderr));

  const cluster = { ...r, startEpochMs: Date.now() + 30_000 };
  await applyObjects(client, [loaderConfigMap(cluster, bundle), loaderJob(cluster)]);
  const ended = await waitLoaderPods(client, { namespace: ns, jobName: r.name, pods: 3, startEpochMs: cluster.startEpochMs, deadlineEpochMs: Date.now() + 120_000, pollMs: 200 });
  assert.equal(ended.map((e) => e.index), [0, 1, 2]);
  assert.is(new Set(ended.map((e) => e.pod.metadata.name)).size, 3);
  const outputs = [];
  for (const e of ended) {
    // The tier serves one file as every log: serve pod i's output while pod i's log is read.
    writeFileSync(podLog.path, local[e.index]!.criLog);
    outputs.push(await readLoaderOutput(client, e));
  }
  const results = collectPodResults(outputs, 3, decodeResultLine, mergeOutcomes);
  const parts = local.map((l) => decodeResultLine(l.stdout).outcome);
  assert.equal(parts.map((p) => p.scheduledRequests), [50, 50, 50]);
  const added = (pick: (o: LoadOutcome) => LoadOutcome['ok'] | null) => {
    const sum = pick(decodeResultLine(local[0]!.stdout).outcome)!;
    for (const p of parts.slice(1)) sum.add(pick(p)!);
    return encodeHistogram(sum);
  };
  assert.is(encodeHistogram(results.merged.ok), added((o) => o.ok));
  assert.is(encodeHistogram(results.merged.uncorrected!), added((o) => o.uncorrected));
  assert.is(encodeHistogram(results.merged.schedulerLag!), added((o) => o.schedulerLag));
  assert.is(results.merged.ok.totalCount, 150);
  assert.is(results.merged.targetRps, 300);
  // Each pod's own scheduler lag stays visible beside the merge.
  results.perPod.forEach((p, i) => assert.is(encodeHistogram(p.outcome.schedulerLag!), encodeHistogram(parts[i]!.schedulerLag!)));
  // A pod that answers for another index is refused, not merged.
  const swapped = [{ ...outputs[0]!, resultLine: outputs[1]!.resultLine }, outputs[1]!, outputs[2]!];
  assert.throws(() => collectPodResults(swapped, 3, decodeResultLine, mergeOutcomes), /reports share 1 of 3, not 0 of 3/);
});

test('a pod that starts after the common start fails the trial, saying so', async () => {
  const { client } = tier();
  const { ns, runId } = await namespaces.create('late');
  const { startEpochMs: _s, activeDeadlineSeconds: _d, ...runRequest } = smallRequest(ns, runId, new URL('http://127.0.0.1:9/'), 1);
  // The common start is chosen as if the Job had been applied two minutes ago.
  const err = await rejection(runLoader(client, { request: runRequest, bundle, startLeadMs: 10_000, pollMs: 200, nowMs: () => Date.now() - 120_000 }));
  assert.instance(err, RunError);
  assert.match(err.message, /started too late: its loader container started at .*, after the common start at|were not running at the common start/);
});

test.run();
