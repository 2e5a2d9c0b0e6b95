/**
 * `bench run` of scenarios/local-sidecar-vs-ambient.yaml, for real (as root, as CI runs; needs
 * ztunnel 1.30.3, built by scripts/ztunnel.sh): the netns layout, the real ztunnels charged as
 * node proxies, and nothing left (namespaces, veths, iptables rules, processes) after a run, a
 * SIGINT in the middle of a trial, and a ztunnel killed in the middle of a trial. Without root,
 * istio-ambient is refused before anything starts.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli/main.ts';
import { captureIO, repoRoot } from '../helpers.ts';
import { processesOf, ztunnelOrBuild } from '../platforms/local/ztunnel/ztunnel-helpers.ts';
import { assertNothingLeft, currentResult, exitWithin, reached, resultFolders, startBench, waitFor, type BenchRun } from './fault-helpers.ts';
import { childrenRunning, netnsLeft, netnsScenarioYaml } from './netns-helpers.ts';

const AMBIENT_LABEL = 'istio-ambient (local: ztunnel 1.30.3, HBONE mTLS, 2 nodes)';

/** The shipped scenario with short windows, and the fault matrix's scheduler-lag allowance (a shared 2-core machine). */
function shortScenario(): string {
  const yaml = readFileSync(join(repoRoot, 'scenarios/local-sidecar-vs-ambient.yaml'), 'utf8');
  const short = yaml.replace('warmup: 2s', 'warmup: 1s').replace('duration: 10s', 'duration: 2s\n  schedulerLagLimit: 50ms').replace('repetitions: 3', 'repetitions: 1');
  assert.is.not(short, yaml);
  assert.match(short, /duration: 2s/);
  return short;
}

/** Nothing of the run: its processes, working folder, namespaces, links and rules, and ztunnels. */
async function assertAllGone(run: BenchRun, runId: string, ztunnelPath: string): Promise<void> {
  await assertNothingLeft(runId, resultFolders(run.outDir));
  assert.equal(netnsLeft(runId), [], 'namespaces, links or iptables rules of the run are left');
  assert.equal(processesOf(ztunnelPath, runId), [], 'a ztunnel of the run is still alive');
}

/** The run id, from a ztunnel of the running bench (its ZDS socket lives in the run's working folder). */
async function ztunnelsOf(run: BenchRun, ztunnelPath: string): Promise<{ runId: string; pids: number[] }> {
  const pids = await waitFor('both ztunnels', () => {
    const found = childrenRunning(run.child.pid!, ztunnelPath);
    return found.length === 2 ? found : undefined;
  }, 10_000, run);
  const environ = readFileSync(`/proc/${pids[0]}/environ`, 'utf8');
  const runId = /INPOD_UDS=[^\0]*\/meshbench-(\d{8}T\d{6}-[0-9a-f]{6})-/.exec(environ)?.[1];
  assert.ok(runId, `no run id in the ztunnel's environment: ${environ.replace(/\0/g, ' ')}`);
  return { runId: runId!, pids };
}

test('the shipped scenario, short windows: netns layout, every trial valid, ztunnel CPU charged per node; nothing left', async () => {
  const ztunnelPath = await ztunnelOrBuild();
  const run = startBench(shortScenario());
  const exit = await exitWithin(run, 120_000);
  assert.is(exit.code, 0, run.stderr());
  const result = currentResult(run)!;
  assert.is(result.environment.layout, 'netns');
  assert.is(result.environment.components.ztunnel, '1.30.3');
  assert.equal(result.trials.map((t) => `${t.trial.mesh}:${t.status}`), ['none:valid', 'istio:valid', 'istio-ambient:valid'], JSON.stringify(result.trials.map((t) => ('reasons' in t ? t.reasons : t.status))));
  const ambient = result.trials[2]!;
  assert.ok(ambient.status === 'valid');
  if (ambient.status !== 'valid') return;
  assert.is(ambient.meshLabel, AMBIENT_LABEL);
  const nodeProxies = ambient.resources.filter((r) => r.role === 'node-proxy');
  assert.equal(nodeProxies.map((r) => `${r.pod}/${r.container}`), ['node-a/ztunnel', 'node-b/ztunnel']);
  for (const r of nodeProxies) {
    assert.ok(r.cpuCores > 0, `${r.pod} ztunnel CPU: ${r.cpuCores} cores`);
    assert.ok(r.memoryBytesMax > 1024 * 1024, `${r.pod} ztunnel RSS: ${r.memoryBytesMax} bytes`);
  }
  // The loader ran in its pod and was watched there, as every mesh's was.
  for (const t of result.trials) assert.ok(t.status === 'valid' && t.resources.some((r) => r.role === 'loadgen' && r.pod === 'loadgen' && r.cpuCores > 0), `${t.trial.mesh}: loader CPU`);
  await assertAllGone(run, result.runId, ztunnelPath);
});

test('SIGINT in the middle of an istio-ambient trial: interrupted, exit 3, every ztunnel, namespace and rule gone', async () => {
  const ztunnelPath = await ztunnelOrBuild();
  const run = startBench(netnsScenarioYaml({ name: 'ambient interrupted', meshes: '[istio-ambient]', repetitions: 2, duration: '4s' }));
  await waitFor('trial 1 measuring', () => reached(run, 1, 'measure'), 60_000, run);
  const { runId, pids } = await ztunnelsOf(run, ztunnelPath);
  assert.ok(netnsLeft(runId).length >= 4, 'the trial\'s namespaces exist while it runs');
  await sleep(300);
  run.child.kill('SIGINT');
  const exit = await exitWithin(run, 30_000);
  assert.is(exit.code, 3, run.stderr());
  const result = currentResult(run)!;
  assert.is(result.status, 'interrupted');
  assert.equal(result.trials.map((t) => `${t.trial.mesh}:${t.status}`), ['istio-ambient:aborted']);
  assert.equal(pids.filter((p) => processesOf(ztunnelPath, runId).includes(p)), []);
  await assertAllGone(run, runId, ztunnelPath);
});

test('a ztunnel killed in the middle of a trial: that trial failed naming it, the next trial runs, exit 3; nothing left', async () => {
  const ztunnelPath = await ztunnelOrBuild();
  const run = startBench(netnsScenarioYaml({ name: 'ztunnel killed', meshes: '[istio-ambient, none]', duration: '4s' }));
  await waitFor('trial 1 measuring', () => reached(run, 1, 'measure'), 60_000, run);
  const { runId, pids } = await ztunnelsOf(run, ztunnelPath);
  // Which one is node B's: its socket is zds-node-b.sock.
  const nodeB = pids.find((p) => readFileSync(`/proc/${p}/environ`, 'utf8').includes('zds-node-b.sock'))!;
  await sleep(300);
  process.kill(nodeB, 'SIGKILL');
  await waitFor('trial 1 reported failed', () => /trial 1\/2 [^\n]*FAILED in measure/.test(run.stderr()), 3_500, run);
  const exit = await exitWithin(run, 60_000);
  assert.is(exit.code, 3, run.stderr());
  const result = currentResult(run)!;
  assert.equal(result.trials.map((t) => `${t.trial.mesh}:${t.status === 'invalid' ? 'valid' : t.status}`), ['istio-ambient:failed', 'none:valid']);
  const failed = result.trials[0]!;
  assert.ok(failed.status === 'failed' && failed.stage === 'measure' && failed.error.what === 'ztunnel-node-b exited with signal SIGKILL', JSON.stringify(failed));
  await assertAllGone(run, runId, ztunnelPath);
});

test('without root, istio-ambient is refused before anything starts: exit 2, what is missing and how to get it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-nonroot-'));
  chmodSync(dir, 0o777);
  const run = startBench(shortScenario(), { dir, wrap: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] });
  const exit = await exitWithin(run, 30_000);
  assert.is(exit.code, 2, run.stderr());
  assert.match(run.stderr(), /istio-ambient needs pods as network namespaces, and cannot create a network namespace/);
  assert.match(run.stderr(), /run as root/);
  assert.equal(resultFolders(run.outDir), [], 'nothing ran, nothing was written');
});

test('istio-ambient with the layout pinned to loopback is a scenario error (exit 2) pointing at the key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-ambient-loopback-'));
  const file = join(dir, 'ambient-loopback.yaml');
  writeFileSync(file, 'name: ambient on loopback\nmeshes: [none, istio-ambient]\nlocal:\n  layout: loopback\n');
  const io = captureIO();
  assert.is(await main(['run', file], io), 2);
  assert.match(io.err(), /ambient-loopback\.yaml:4:11: error: istio-ambient runs the real ztunnel on platform `local`, which needs pods as network namespaces, and `local.layout` is `loopback`/);
  assert.match(io.err(), /set `local.layout: auto` \(or `netns`\) and run as root, or remove istio-ambient/);
});

test.run();
