/**
 * `bench run` of a Kubernetes scenario on the real API-server tier, as a user runs it (the CLI in
 * its own process, the cluster named by --kubeconfig alone): preflight, apply, ready, the
 * data-plane check, the engine Job, the kubelet's figures over the window, teardown, result.json
 * and every report, for `none` and `istio`. Istio's control plane is a stand-in Deployment and its
 * injector a real mutating webhook served by this process (injection-webhook.ts) that adds
 * istio-proxy as a classic sidecar, so the run's dry-run probe, sidecar roles and versions are real. kwok runs no container, so the loader pod's log is a real engine result made
 * beforehand by running the very ConfigMap and Job the run applies against a loopback target
 * (pod-sim.ts), served by the tier as every pod's log; CPU and memory come from kwok's usage
 * annotations. Every output must say that the pods were simulated.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { meshAdapter } from '../../src/meshes/index.ts';
import { loaderConfigMap, loaderJob } from '../../src/platforms/kubernetes/loader/job.ts';
import { loaderRequest } from '../../src/platforms/kubernetes/loader/from-scenario.ts';
import { meshOptions } from '../../src/platforms/kubernetes/render.ts';
import type { RunResult } from '../../src/results/model.ts';
import { SIMULATED_CAVEAT } from '../../src/run/platforms.ts';
import { readScenarioFile } from '../../src/scenario/parse.ts';
import { loadLevels } from '../../src/scenario/plan.ts';
import { resolveScenario } from '../../src/scenario/resolve.ts';
import { repoRoot } from '../helpers.ts';
import { startHoldingTarget } from '../load/holding-target.ts';
import { install, installControlPlane, installCrds, istioInjector, ownedNamespaces, remove, removeControlPlane } from '../platforms/kubernetes/cluster-fixtures.ts';
import { PROXY_IMAGE, startInjectionWebhook } from '../platforms/kubernetes/injection-webhook.ts';
import { buildBundle, podLogFile } from '../platforms/kubernetes/loader/fixtures.ts';
import { runAsPod } from '../platforms/kubernetes/loader/pod-sim.ts';
import { tier } from '../platforms/kubernetes/tier.ts';

const SCENARIO = `name: k8s e2e
platform: kubernetes
meshes: [none, istio]
load:
  mode: rate
  rate: 200
  connections: 4
  warmup: 500ms
  duration: 2s
  timeout: 1s
  schedulerLagLimit: 50ms
kubernetes:
  loaderStartLead: 6s
resources:
  sampleInterval: 250ms
repetitions: 2
`;

/**
 * The engine result the loader pod will "print": the run's own ConfigMap and Job for the
 * scenario's level, run as a pod would run them, aimed at a loopback target instead of the Service.
 */
async function engineLog(file: string) {
  const s = resolveScenario((await readScenarioFile(file)).input);
  const overlay = meshAdapter(s, 'none').kubernetesOverlay(meshOptions(s, 'ns', 'run'));
  const { request } = loaderRequest(s, { namespace: 'ns', runId: 'run', level: loadLevels(s)[0]!, overlay, pods: 1, nativeSidecars: false });
  const target = await startHoldingTarget(() => true);
  const local = { ...request, settings: { ...request.settings, target: target.url.href }, startEpochMs: Date.now() + 1_000, activeDeadlineSeconds: 60 };
  const pod = await runAsPod(loaderConfigMap(local, await buildBundle()), loaderJob(local), 0).finally(() => target.close());
  assert.is(pod.code, 0, pod.stderr);
  return pod;
}

/**
 * The CLI in its own process; this one keeps serving the injector webhook meanwhile. `onStderr`
 * sees the progress as it comes (and may signal the process).
 */
function bench(args: string[], cwd: string, env: Record<string, string>, onStderr?: (all: string, kill: (s: NodeJS.Signals) => void) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/bench.js'), ...args], { cwd, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    onStderr?.(stderr, (sig) => child.kill(sig));
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test('bench run on the tier: every trial through the whole lifecycle, result.json naming the tier, every output saying the pods were simulated, nothing left', async () => {
  const t = tier();
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-k8s-e2e-'));
  const file = join(dir, 'k8s.yaml');
  writeFileSync(file, SCENARIO);

  const pod = await engineLog(file);
  const webhook = await startInjectionWebhook();
  // A classic sidecar container: kwok serves no metrics for native sidecars (init containers).
  webhook.mode = 'container';
  const injector = istioInjector(webhook.url, webhook.caBundle);
  let podLog: Awaited<ReturnType<typeof podLogFile>> | undefined;
  let cli: Awaited<ReturnType<typeof bench>>;
  // Set-up inside the try: a failed one must still close the webhook's server, or this test
  // process never exits.
  try {
    await installCrds(t.client, 'istio');
    await installControlPlane(t.client, 'istiod');
    await install(t.client, injector);
    podLog = await podLogFile();
    writeFileSync(podLog.path, pod.criLog);
    // No KUBECONFIG in the environment: --kubeconfig alone must name the cluster.
    cli = await bench(['run', 'k8s.yaml', '--output', 'out', '--kubeconfig', t.kubeconfig], dir, { PATH: process.env.PATH ?? '', HOME: dir, CI: 'true' });
  } finally {
    podLog?.restore();
    await remove(t.client, injector);
    await removeControlPlane(t.client, 'istiod');
    await webhook.close();
  }
  const { stdout, stderr } = cli;
  assert.is(cli.code, 0, `${stderr}\n${stdout}`);

  const [folder] = readdirSync(join(dir, 'out'));
  const out = join(dir, 'out', folder!);
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as RunResult;
  assert.is(result.status, 'completed');
  assert.is(result.environment.platform, 'kubernetes');
  assert.is(result.environment.layout, 'cluster');
  assert.match(result.environment.components.kubernetes ?? '', /^v1\.35\.4$/);
  assert.match(result.environment.components['kubernetes provider'] ?? '', /kwok/);
  assert.is(result.environment.components['node kernels'], 'kwok-0.8.0');
  assert.ok(result.environment.caveats.includes(SIMULATED_CAVEAT), JSON.stringify(result.environment.caveats));

  // The injector's proxy and istiod's native-sidecar verdict are part of the environment.
  assert.is(result.environment.components.istiod, '1.30.3');
  assert.match(result.environment.components['istio native sidecars'] ?? '', /^yes /);
  assert.ok(Object.values(result.environment.components).includes(PROXY_IMAGE), JSON.stringify(result.environment.components));

  // Every trial measured a window from the engine's own result, interleaved, the loader off the workload's node.
  assert.equal(result.trials.map((x) => `${x.trial.mesh}#${x.trial.repetition}:${x.status}`), ['none#1:valid', 'istio#1:valid', 'none#2:valid', 'istio#2:valid'], JSON.stringify(result.trials.map((x) => ('reasons' in x ? x.reasons : 'error' in x ? x.error : x.status))));
  for (const trial of result.trials) {
    if (trial.status !== 'valid') continue;
    assert.ok(trial.load.responses2xx > 100, `${trial.load.responses2xx} responses`);
    assert.match(trial.meshLabel, new RegExp(`^${trial.trial.mesh} \\(Kubernetes v1\\.35\\.4, simulated kwok nodes`));
    // The workload and the loader, and with istio the proxy injected into each.
    const roles = trial.resources.map((r) => `${r.pod.startsWith('loadgen-c4-r200-0-') ? 'loader' : r.pod.startsWith('workload-') ? 'workload' : r.pod}/${r.container}:${r.role}`).sort();
    assert.equal(roles, trial.trial.mesh === 'istio' ? ['loader/istio-proxy:sidecar', 'loader/loadgen:loadgen', 'workload/app:app', 'workload/istio-proxy:sidecar'] : ['loader/loadgen:loadgen', 'workload/app:app']);
    // kwok's default usage (no annotation): 1m CPU and 1 MiB per container, read over the window.
    for (const r of trial.resources) {
      assert.ok(Math.abs(r.cpuCores - 0.001) < 0.0002 && r.memoryBytesAvg === 1024 ** 2 && r.samples > 0, `${r.pod}/${r.container}: ${JSON.stringify(r)}`);
      assert.ok(r.windowMs >= 1_900, `${trial.trial.mesh}#${trial.trial.repetition} ${r.pod}/${r.container}: window ${r.windowMs} ms, ${r.samples} samples`);
    }
  }

  // Every output a person reads says it: the terminal and the reports (the CSV and JUnit files
  // carry no free text yet; their consumers read result.json's environment).
  assert.ok(stdout.includes(SIMULATED_CAVEAT), stdout);
  for (const f of ['summary.md', 'report.html']) {
    const text = readFileSync(join(out, f), 'utf8');
    assert.ok(text.includes('simulated by kwok'), `${f} does not say the pods were simulated`);
  }

  // Teardown left nothing labelled with this run's id.
  assert.equal(await ownedNamespaces(t.client, result.runId), []);
});

test('SIGINT during the measured window: the engine Job and the trial namespace are torn down, the run is kept as interrupted (3)', async () => {
  const t = tier();
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-k8s-e2e-int-'));
  writeFileSync(join(dir, 'k8s.yaml'), SCENARIO.replace('meshes: [none, istio]', 'meshes: [none]').replace('duration: 2s', 'duration: 30s').replace('repetitions: 2', 'repetitions: 1'));
  // kwok ends the loader pod at once, so its result is read before the window; the run then
  // follows the window on the clock, and the signal comes inside it.
  const podLog = await podLogFile();
  let sent = false;
  let cli: Awaited<ReturnType<typeof bench>>;
  try {
    // Any real result line will do (the run is stopped before it is used): a short one.
    writeFileSync(join(dir, 'short.yaml'), SCENARIO);
    writeFileSync(podLog.path, (await engineLog(join(dir, 'short.yaml'))).criLog);
    cli = await bench(['run', 'k8s.yaml', '--output', 'out', '--kubeconfig', t.kubeconfig], dir, { PATH: process.env.PATH ?? '', HOME: dir, CI: 'true' }, (err, kill) => {
      if (!sent && /: measure\n/.test(err)) {
        sent = true;
        kill('SIGINT');
      }
    });
  } finally {
    podLog.restore();
  }
  assert.ok(sent, `the window never began:\n${cli.stderr}`);
  assert.is(cli.code, 3, cli.stderr);
  const [folder] = readdirSync(join(dir, 'out'));
  const result = JSON.parse(readFileSync(join(dir, 'out', folder!, 'result.json'), 'utf8')) as RunResult;
  assert.is(result.status, 'interrupted');
  assert.equal(result.trials.map((x) => x.status), ['aborted']);
  assert.equal(await ownedNamespaces(t.client, result.runId), []);
  assert.equal(await t.client.list('/apis/batch/v1/jobs', { labelSelector: `meshbench.io/run-id=${result.runId.toLowerCase()}` }), []);
});

test.run();
