/**
 * The engine Job's objects, pure: compared with expected objects (k6-operator style) and validated
 * against the upstream Kubernetes 1.35 schemas; how each mesh's loader Job ends.
 */
import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { meshAdapter, type KubernetesObject } from '../../../../src/meshes/index.ts';
import { loaderConfigMap, loaderJob, loaderRequestProblems, withBundleElided, type LoaderJobRequest } from '../../../../src/platforms/kubernetes/loader/job.ts';
import { loaderRequest } from '../../../../src/platforms/kubernetes/loader/from-scenario.ts';
import { istioNativeSidecars, loaderTermination } from '../../../../src/platforms/kubernetes/loader/termination.ts';
import { meshOptions, trialNamespace } from '../../../../src/platforms/kubernetes/render.ts';
import { loadLevels } from '../../../../src/scenario/plan.ts';
import { SchemaValidator } from '../schema-validator.ts';
import { k8sScenario } from '../scenarios.ts';

const owner = { 'app.kubernetes.io/managed-by': 'meshbench', 'meshbench.io/run-id': 'r1' };

const request = (over: Partial<LoaderJobRequest> = {}): LoaderJobRequest => ({
  name: 'loadgen-c6-r900',
  namespace: 'mb-istio-r1',
  ownerLabels: owner,
  pod: { labels: { 'sidecar.istio.io/inject': 'true' }, annotations: { 'proxy.istio.io/config': '{"concurrency":2}' } },
  settings: { mode: 'rate', target: 'http://workload.mb-istio-r1.svc.cluster.local:8080/echo?size=1024', rateRps: 900, connections: 6, warmupMs: 5_000, durationMs: 30_000, timeoutMs: 10_000, pods: 3, quitUrl: 'http://127.0.0.1:15020/quitquitquit' },
  startEpochMs: 1_767_225_600_000,
  serviceAccountName: 'loadgen',
  workloadSelector: { app: 'workload' },
  nodeSelector: { pool: 'load' },
  activeDeadlineSeconds: 160,
  ...over,
});

test('a 3-pod run is an Indexed Job of 3 completions, 3 in parallel, no retries, off the workload\'s node, reading the engine from its ConfigMap', () => {
  assert.equal(loaderJob(request()), {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'loadgen-c6-r900', namespace: 'mb-istio-r1', labels: { ...owner, app: 'loadgen' } },
    spec: {
      completionMode: 'Indexed',
      completions: 3,
      parallelism: 3,
      backoffLimit: 0,
      activeDeadlineSeconds: 160,
      template: {
        metadata: { labels: { ...owner, app: 'loadgen', 'sidecar.istio.io/inject': 'true' }, annotations: { 'proxy.istio.io/config': '{"concurrency":2}' } },
        spec: {
          serviceAccountName: 'loadgen',
          restartPolicy: 'Never',
          nodeSelector: { pool: 'load' },
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'workload' } }, topologyKey: 'kubernetes.io/hostname' }],
              preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { 'batch.kubernetes.io/job-name': 'loadgen-c6-r900' } }, topologyKey: 'kubernetes.io/hostname' } }],
            },
          },
          containers: [
            {
              name: 'loadgen',
              image: 'node:24-alpine',
              command: ['node', '/etc/meshbench/loader.mjs'],
              env: [
                { name: 'MESHBENCH_LOAD_SETTINGS', value: '/etc/meshbench/load.json' },
                { name: 'MESHBENCH_START_EPOCH_MS', value: '1767225600000' },
                { name: 'MESHBENCH_PODS', value: '3' },
              ],
              volumeMounts: [{ name: 'engine', mountPath: '/etc/meshbench', readOnly: true }],
              resources: { requests: { cpu: '1', memory: '256Mi' }, limits: { memory: '1Gi' } },
              securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            },
          ],
          volumes: [{ name: 'engine', configMap: { name: 'loadgen-c6-r900-engine' } }],
        },
      },
    },
  });
});

test('one pod: no spreading term; the loader image is configurable', () => {
  const job = loaderJob(request({ image: 'registry.internal/mirror/node:24-alpine', settings: { ...request().settings, pods: 1 }, nodeSelector: null })) as any;
  assert.is(job.spec.completions, 1);
  assert.is(job.spec.template.spec.containers[0].image, 'registry.internal/mirror/node:24-alpine');
  assert.equal(Object.keys(job.spec.template.spec.affinity.podAntiAffinity), ['requiredDuringSchedulingIgnoredDuringExecution']);
  assert.is(job.spec.template.spec.nodeSelector, undefined);
});

test('the ConfigMap holds the bundle and the settings file, immutable; a bundle over the ConfigMap limit is refused', () => {
  const cm = loaderConfigMap(request(), 'console.log(1)\n');
  assert.equal(cm.metadata, { name: 'loadgen-c6-r900-engine', namespace: 'mb-istio-r1', labels: { ...owner, app: 'loadgen' } });
  assert.is(cm.immutable, true);
  const data = cm.data as Record<string, string>;
  assert.is(data['loader.mjs'], 'console.log(1)\n');
  assert.equal(JSON.parse(data['load.json']!), request().settings);
  assert.throws(() => loaderConfigMap(request(), 'x'.repeat(1_040_000)), /a ConfigMap holds at most \d+ of them here: bundle it minified/);
  // As bench render shows it: the bundle named by size and digest, the settings whole.
  const shown = withBundleElided(cm).data as Record<string, string>;
  const digest = createHash('sha256').update('console.log(1)\n').digest('hex');
  assert.is(shown['loader.mjs'], `// meshbench load engine bundle: 15 bytes, sha256 ${digest} (elided)\n`);
  assert.is(shown['load.json'], data['load.json']);
});

test('both objects are valid against the upstream Kubernetes schemas', () => {
  const v = new SchemaValidator();
  for (const o of [loaderJob(request()), loaderConfigMap(request(), 'x')] as KubernetesObject[]) assert.equal(v.validate(o), [], o.kind);
  // The validator does look: a misspelt field fails.
  const bad = structuredClone(loaderJob(request())) as any;
  bad.spec.completionsMode = 'Indexed';
  assert.match(v.validate(bad).join(), /additional properties "completionsMode"/);
});

test('requests that cannot run are refused with what to change', () => {
  assert.equal(loaderRequestProblems(request()), []);
  const s = request().settings;
  assert.equal(loaderRequestProblems(request({ settings: { ...s, pods: 8 } })), ['load.pods (8) needs at least as many connections, not 6: each pod drives its own share of them']);
  assert.equal(loaderRequestProblems(request({ settings: { ...s, pods: 0 } })), ['load.pods must be a whole number of 1 or more, not 0']);
});

test('how a meshed Job ends: quit endpoints of Istio, App Mesh, Linkerd; none with native sidecars, no proxy, or ambient', () => {
  const istio = { method: 'native-sidecar', otherwise: { method: 'http-post', url: 'http://127.0.0.1:15020/quitquitquit' } } as const;
  assert.is(loaderTermination(istio, { loadgenInjected: true, nativeSidecars: false }).quitUrl, 'http://127.0.0.1:15020/quitquitquit');
  assert.is(loaderTermination(istio, { loadgenInjected: true, nativeSidecars: true }).quitUrl, null);
  assert.is(loaderTermination(istio, { loadgenInjected: false, nativeSidecars: false }).quitUrl, null);
  assert.is(loaderTermination({ method: 'http-post', url: 'http://127.0.0.1:9901/quitquitquit' }, { loadgenInjected: true, nativeSidecars: true }).quitUrl, 'http://127.0.0.1:9901/quitquitquit');
  assert.is(loaderTermination({ method: 'none' }, { loadgenInjected: true, nativeSidecars: false }).quitUrl, null);
});

test('from the scenario: each mesh\'s quit URL reaches the settings; the level\'s rate, connections and the workload URL too', async () => {
  const s = await k8sScenario(['istio', 'appmesh', 'linkerd', 'istio-ambient']);
  const level = loadLevels(s)[0]!;
  const quit = (mesh: string, nativeSidecars = false) => {
    const ns = trialNamespace(s, mesh, 'r1');
    const overlay = meshAdapter(s, mesh).kubernetesOverlay(meshOptions(s, ns, 'r1'));
    return loaderRequest(s, { namespace: ns, runId: 'r1', level, overlay, pods: 1, nativeSidecars }).request.settings;
  };
  assert.is(quit('istio').quitUrl, 'http://127.0.0.1:15020/quitquitquit');
  assert.is(quit('istio', true).quitUrl, undefined);
  assert.is(quit('appmesh').quitUrl, 'http://127.0.0.1:9901/quitquitquit');
  assert.is(quit('linkerd').quitUrl, 'http://127.0.0.1:4191/shutdown');
  assert.is(quit('istio-ambient').quitUrl, undefined);
  const settings = quit('istio');
  assert.is(settings.connections, level.connections);
  assert.is(settings.rateRps, level.targetRps ?? undefined);
  assert.match(settings.target, new RegExp(`^http://workload\\.${trialNamespace(s, 'istio', 'r1')}\\.svc\\.cluster\\.local:8080/echo\\?size=`));
});

test('preflight: Istio 1.27+ on Kubernetes 1.29+ injects native sidecars unless istiod says otherwise', () => {
  const istiod = (image: string, env: { name: string; value: string }[] = []) => ({ spec: { template: { spec: { containers: [{ name: 'discovery', image, env }] } } } });
  assert.is(istioNativeSidecars(istiod('docker.io/istio/pilot:1.30.3'), 'v1.35.4').native, true);
  assert.is(istioNativeSidecars(istiod('docker.io/istio/pilot:1.26.2'), 'v1.35.4').native, false);
  assert.is(istioNativeSidecars(istiod('docker.io/istio/pilot:1.30.3'), 'v1.28.9').native, false);
  assert.is(istioNativeSidecars(istiod('docker.io/istio/pilot:1.30.3', [{ name: 'ENABLE_NATIVE_SIDECARS', value: 'false' }]), 'v1.35.4').native, false);
  assert.is(istioNativeSidecars(istiod('docker.io/istio/pilot:1.24.0', [{ name: 'ENABLE_NATIVE_SIDECARS', value: 'true' }]), 'v1.35.4').native, true);
  assert.match(istioNativeSidecars(istiod('gcr.io/istio-release/pilot@sha256:abc'), 'v1.35.4').why, /tells no version/);
});

test.run();
