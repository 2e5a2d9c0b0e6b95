/**
 * `bench run` of scenarios/local-istiod.yaml, for real (as root, as CI runs; needs Envoy, Istio's
 * binaries and the API tier built): istio's trial runs under istiod, the result's label and
 * environment say so, each pod's istio-proxy (pilot-agent and its Envoy) is charged as a sidecar,
 * and nothing of the run (its tier, istiod, agents, namespaces, working folder) is left.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../helpers.ts';
import { assertNothingLeft, currentResult, exitWithin, resultFolders, startBench } from './fault-helpers.ts';
import { netnsLeft } from './netns-helpers.ts';

/** The shipped scenario with short windows, one repetition, and the fault matrix's scheduler-lag allowance (a shared 2-core machine). */
function shortScenario(): string {
  const yaml = readFileSync(join(repoRoot, 'scenarios/local-istiod.yaml'), 'utf8');
  const short = yaml.replace('warmup: 2s', 'warmup: 1s').replace('duration: 10s', 'duration: 2s\n  schedulerLagLimit: 50ms').replace('repetitions: 3', 'repetitions: 1');
  assert.match(short, /duration: 2s/);
  assert.match(short, /control: istiod/);
  return short;
}

test('the shipped scenario, short windows: istio under istiod, labelled so, its istio-proxy containers charged; nothing left', async () => {
  const run = startBench(shortScenario());
  const exit = await exitWithin(run, 180_000);
  assert.is(exit.code, 0, run.stderr());
  const result = currentResult(run)!;
  assert.is(result.environment.layout, 'netns');
  const c = result.environment.components;
  assert.equal([c.control, c.istiod, c['pilot-agent'], c.sidecar], ['istiod', '1.31-dev+eed52ebb66ad', '1.31-dev+eed52ebb66ad', 'envoy']);
  assert.equal(result.trials.map((t) => `${t.trial.mesh}:${t.status === 'failed' ? 'failed' : 'measured'}`), ['none:measured', 'istio:measured'], JSON.stringify(result.trials.map((t) => ('reasons' in t ? t.reasons : 'error' in t ? t.error : t.status))));
  const istio = result.trials[1]!;
  if (istio.status === 'aborted') throw new Error('the istio trial was aborted');
  assert.is(istio.meshLabel, 'istio (local: istiod 1.31-dev+eed52ebb66ad driving Envoy 1.40 sidecars via pilot-agent, mTLS, no Istio telemetry filters)');
  if (istio.status === 'valid' || istio.status === 'invalid') {
    const sidecars = istio.resources.filter((r) => r.role === 'sidecar');
    assert.equal(sidecars.map((r) => `${r.pod}/${r.container}`).sort(), ['loadgen/istio-proxy', 'workload/istio-proxy']);
    // pilot-agent (~39 MB) and its Envoy (~70 MB) together: more than Envoy alone could be.
    for (const s of sidecars) assert.ok(s.memoryBytesMax > 64 * 2 ** 20, `${s.pod}: ${s.memoryBytesMax} bytes`);
  }
  await assertNothingLeft(result.runId, resultFolders(run.outDir));
  assert.equal(netnsLeft(result.runId), [], 'namespaces, links or iptables rules of the run are left');
});

test("every other protocol under istiod: the ServiceEntry's port says it, so gRPC is proxied as HTTP/2, raw TCP and the workload's own TLS as TCP, and the crossing check reads the TCP proxies", async () => {
  // One of each way the sidecars carry it: an HTTP/2 codec (grpc), a TCP proxy (tcp), TLS passed through inside mTLS (h2).
  for (const protocol of ['grpc', 'tcp', 'h2'] as const) {
    const yaml = shortScenario().replace('meshes: [none, istio]', 'meshes: [istio]').replace('  payloadBytes: 1024', `  protocol: ${protocol}\n  payloadBytes: 1024`);
    assert.match(yaml, new RegExp(`protocol: ${protocol}`));
    const run = startBench(yaml);
    const exit = await exitWithin(run, 120_000);
    assert.is(exit.code, 0, `${protocol}: ${run.stderr()}`);
    const result = currentResult(run)!;
    assert.equal(result.trials.map((t) => t.status), ['valid'], `${protocol}: ${JSON.stringify(result.trials.map((t) => ('reasons' in t ? t.reasons : 'error' in t ? t.error : t.status)))}`);
    assert.is(result.environment.protocol, protocol);
    await assertNothingLeft(result.runId, resultFolders(run.outDir));
    assert.equal(netnsLeft(result.runId), [], `${protocol}: namespaces, links or iptables rules of the run are left`);
  }
});

test('control: istiod with the loopback layout is a scenario error, before anything starts', async () => {
  const yaml = shortScenario().replace('  control: istiod', '  control: istiod\n  layout: loopback');
  const run = startBench(yaml);
  const exit = await exitWithin(run, 30_000);
  assert.is(exit.code, 2);
  assert.match(run.stderr(), /`local.control: istiod` runs pilot-agent and its capture rules inside pod network namespaces, and `local.layout` is `loopback`/);
});

test.run();
