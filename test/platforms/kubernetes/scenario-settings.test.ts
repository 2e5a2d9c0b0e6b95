/**
 * The Kubernetes parts of a scenario: load.pods (with its rules), the engine Job's image and
 * start lead, and a custom mesh's preflight requirements, from YAML to the resolved scenario.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ScenarioError } from '../../../src/errors.ts';
import { parseScenario } from '../../../src/scenario/parse.ts';
import { resolveScenario, scenarioHash } from '../../../src/scenario/resolve.ts';
import { estimateTrialMs, KUBERNETES_READY_ESTIMATE_MS, KUBERNETES_TEARDOWN_ESTIMATE_MS } from '../../../src/scenario/plan.ts';

const resolved = (yaml: string) => resolveScenario(parseScenario(yaml, 's.yaml').input);
function refusal(yaml: string): string {
  try {
    parseScenario(yaml, 's.yaml');
  } catch (e) {
    assert.instance(e, ScenarioError);
    return JSON.stringify((e as ScenarioError).issues);
  }
  throw new Error('the scenario was accepted');
}

test('defaults: one load pod, node:24-alpine, a 45 s start lead, no custom preflight', () => {
  const s = resolved('name: k\nplatform: kubernetes\n');
  assert.is(s.load.pods, 1);
  assert.equal(s.kubernetes.images, { workload: 'fortio/fortio:1.66.0', loader: 'node:24-alpine' });
  assert.is(s.kubernetes.loaderStartLeadMs, 45_000);
  assert.not.ok('loaderStartLead' in s.kubernetes, 'the duration text stays out of the resolved scenario (and its hash)');
});

test('set: pods, a mirrored image, a shorter lead', () => {
  const s = resolved('name: k\nplatform: kubernetes\nload:\n  connections: 8\n  pods: 4\nkubernetes:\n  images: {loader: mirror.example/node:24-alpine}\n  loaderStartLead: 10s\n');
  assert.equal([s.load.pods, s.kubernetes.images.loader, s.kubernetes.loaderStartLeadMs], [4, 'mirror.example/node:24-alpine', 10_000]);
});

test('load.pods: at most the fewest connections of a level, and only on Kubernetes', () => {
  assert.match(refusal('name: k\nplatform: kubernetes\nload:\n  connections: [2, 8]\n  pods: 3\n'), /`load.pods` is 3, more than the fewest connections of a level \(2\)/);
  assert.match(refusal('name: k\nplatform: local\nload:\n  connections: 8\n  pods: 2\n'), /only platform `kubernetes` runs one/);
});

test("a custom mesh's preflight requirements reach the resolved scenario; an unknown kind is refused", () => {
  const yaml = (req: string) => `name: k\nplatform: kubernetes\nmeshes: [none, kuma]\ncustomMeshes:\n  kuma:\n    dataPlaneContainers: [kuma-sidecar]\n    preflight:\n${req}`;
  const s = resolved(yaml('      - {kind: workload, component: kuma-control-plane, workloadKind: Deployment, namespace: kuma-system, selector: {app: kuma-control-plane}, fix: kumactl install control-plane}\n      - {kind: injector, component: kuma injector, webhookSuffix: kuma.io, fix: kumactl install control-plane}\n'));
  assert.equal(s.customMeshes.kuma!.preflight.map((r) => `${r.kind}:${r.component}`), ['workload:kuma-control-plane', 'injector:kuma injector']);
  assert.match(refusal(yaml('      - {kind: daemon, component: x, fix: y}\n')), /customMeshes\.kuma\.preflight\[0\]\.kind.*expected one of: workload, injector/);
});

test('readiness and teardown bounds and the cluster domain: 5 min, 3 min and "ask the kubelets" by default; settable; none of them changes what was measured (the hash)', () => {
  const d = resolved('name: k\nplatform: kubernetes\n');
  assert.equal([d.kubernetes.readyTimeoutMs, d.kubernetes.teardownTimeoutMs, d.kubernetes.clusterDomain], [300_000, 180_000, null]);
  const set = resolved('name: k\nplatform: kubernetes\nkubernetes:\n  readyTimeout: 90s\n  teardownTimeout: 1m\n  clusterDomain: corp.example\n');
  assert.equal([set.kubernetes.readyTimeoutMs, set.kubernetes.teardownTimeoutMs, set.kubernetes.clusterDomain], [90_000, 60_000, 'corp.example']);
  assert.is(scenarioHash(set), scenarioHash(d));
  assert.match(refusal('name: k\nplatform: kubernetes\nkubernetes:\n  clusterDomain: "Not A Domain"\n'), /clusterDomain/);
});

test('bench plan\'s estimate of a Kubernetes trial counts the start lead, the drain, readiness and teardown besides the load', () => {
  const s = resolved('name: k\nplatform: kubernetes\nload:\n  mode: rate\n  rate: 100\n  warmup: 10s\n  duration: 60s\n  timeout: 2s\nkubernetes:\n  loaderStartLead: 45s\n');
  assert.is(estimateTrialMs(s), 10_000 + 60_000 + 45_000 + 2_000 + KUBERNETES_READY_ESTIMATE_MS + KUBERNETES_TEARDOWN_ESTIMATE_MS);
  // Against what the load alone takes, which is all the estimate counted before.
  assert.ok(estimateTrialMs(s) > 1.6 * 70_000, String(estimateTrialMs(s)));
});

test.run();
