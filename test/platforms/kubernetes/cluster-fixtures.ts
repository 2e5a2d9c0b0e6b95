/**
 * What a cluster administrator would have installed, put on the tier by the tests: the upstream
 * CRDs from ../shared/k8s-schemas, and stand-ins for mesh control planes (Deployments and
 * DaemonSets that kwok runs, with the labels and images the real charts use) and their injector
 * webhooks. None of it carries meshbench's labels: it is the cluster's, not a run's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAllDocuments } from 'yaml';
import type { KubernetesObject } from '../../../src/meshes/index.ts';
import { isNotFound, type KubeClient } from '../../../src/platforms/kubernetes/client.ts';
import { ownerSelector } from '../../../src/platforms/kubernetes/teardown.ts';
import { SCHEMAS } from './schema-validator.ts';

type Obj = KubernetesObject & Record<string, unknown>;

/** Server-side apply as the "administrator" field manager. */
export async function install(client: KubeClient, obj: Obj): Promise<void> {
  await client.request('PATCH', await client.pathOf(obj), { query: { fieldManager: 'meshbench-test-admin', force: 'true' }, body: obj, contentType: 'application/apply-patch+yaml' });
}

export async function remove(client: KubeClient, obj: Pick<Obj, 'apiVersion' | 'kind' | 'metadata'>): Promise<void> {
  try {
    await client.request('DELETE', await client.pathOf(obj), { body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background' } });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

export const CRD_SETS = {
  istio: () => [join(SCHEMAS, 'crds', 'istio-1.30.3-crd-all.gen.yaml')],
  appmesh: () => readdirSync(join(SCHEMAS, 'crds', 'appmesh-controller-bases')).map((f) => join(SCHEMAS, 'crds', 'appmesh-controller-bases', f)),
  gateway: () => readdirSync(join(SCHEMAS, 'crds', 'gateway-api-v1.6.1')).map((f) => join(SCHEMAS, 'crds', 'gateway-api-v1.6.1', f)),
} as const;

const crdsOf = (set: keyof typeof CRD_SETS): Obj[] =>
  CRD_SETS[set]().flatMap((f) => parseAllDocuments(readFileSync(f, 'utf8')).map((d) => d.toJS() as Obj | null)).filter((d): d is Obj => d?.kind === 'CustomResourceDefinition');

const served = async (client: KubeClient, crd: Obj) => {
  const spec = crd.spec as { group: string; names: { kind: string }; versions: { name: string; served: boolean }[] };
  client.forgetDiscovery();
  const v = spec.versions.find((x) => x.served)!.name;
  return (await client.resourceFor(`${spec.group}/${v}`, spec.names.kind)) !== null;
};

/** Installs a set of CRDs and waits (bounded) until discovery serves every one. */
export async function installCrds(client: KubeClient, set: keyof typeof CRD_SETS): Promise<void> {
  const crds = crdsOf(set);
  // Applying them again costs seconds (hundreds of KB of schema): skip when all are served.
  if ((await Promise.all(crds.map((c) => served(client, c)))).every(Boolean)) return;
  for (const crd of crds) await install(client, crd);
  for (let i = 0; i < 100; i++) {
    if ((await Promise.all(crds.map((c) => served(client, c)))).every(Boolean)) return;
    await sleep(100);
  }
  throw new Error(`the ${set} CRDs were not served within 10 s`);
}

export async function removeCrds(client: KubeClient, set: keyof typeof CRD_SETS): Promise<void> {
  const crds = crdsOf(set);
  for (const crd of crds) await remove(client, crd);
  // The API server drops a CRD's storage asynchronously; on a loaded 2-core machine CI saw it
  // take over 30 s for the Gateway API's. A bound on the wait, not a figure under test.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (!(await Promise.all(crds.map((c) => served(client, c)))).some(Boolean)) return;
    await sleep(200);
  }
  throw new Error(`the ${set} CRDs were still served after 120 s`);
}

const ns = (name: string): Obj => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

function controller(kind: 'Deployment' | 'DaemonSet', namespace: string, name: string, labels: Record<string, string>, container: string, image: string): Obj {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace, labels },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: container, image }] } },
    },
  };
}

/** Stand-ins for the control planes, as the real installs label and image them. */
export const CONTROL_PLANES = {
  istiod: [ns('istio-system'), controller('Deployment', 'istio-system', 'istiod', { app: 'istiod', 'istio.io/rev': 'default' }, 'discovery', 'docker.io/istio/pilot:1.30.3')],
  ztunnel: [ns('istio-system'), controller('DaemonSet', 'istio-system', 'ztunnel', { app: 'ztunnel' }, 'istio-proxy', 'docker.io/istio/ztunnel:1.30.3')],
  'istio-cni': [ns('istio-system'), controller('DaemonSet', 'istio-system', 'istio-cni-node', { 'k8s-app': 'istio-cni-node' }, 'install-cni', 'docker.io/istio/install-cni:1.30.3')],
  'appmesh-controller': [ns('appmesh-system'), controller('Deployment', 'appmesh-system', 'appmesh-controller', { 'app.kubernetes.io/name': 'appmesh-controller' }, 'controller', '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon/appmesh-controller:v1.13.1')],
  'spire-agent': [ns('spire'), controller('DaemonSet', 'spire', 'spire-agent', { app: 'spire-agent' }, 'spire-agent', 'ghcr.io/spiffe/spire-agent:1.13.3')],
  'linkerd-injector': [ns('linkerd'), controller('Deployment', 'linkerd', 'linkerd-proxy-injector', { 'linkerd.io/control-plane-component': 'proxy-injector' }, 'proxy-injector', 'cr.l5d.io/linkerd/controller:stable-2.14.10')],
} satisfies Record<string, Obj[]>;

/** Installs a stand-in and waits (bounded) until kwok reports it ready. */
export async function installControlPlane(client: KubeClient, which: keyof typeof CONTROL_PLANES): Promise<void> {
  for (const o of CONTROL_PLANES[which]) await install(client, o);
  const w = CONTROL_PLANES[which][1]!;
  for (let i = 0; i < 100; i++) {
    const cur = await client.get<{ status?: { availableReplicas?: number; numberReady?: number } }>(await client.pathOf(w));
    if ((cur.status?.availableReplicas ?? cur.status?.numberReady ?? 0) > 0) return;
    await sleep(200);
  }
  throw new Error(`${w.kind} ${w.metadata.name} was not ready within 20 s`);
}

export async function removeControlPlane(client: KubeClient, which: keyof typeof CONTROL_PLANES): Promise<void> {
  await remove(client, CONTROL_PLANES[which][1]!);
}

export interface WebhookSpec {
  name: string;
  labels?: Record<string, string>;
  webhookName: string;
  namespaceSelector?: Record<string, unknown>;
  objectSelector?: Record<string, unknown>;
  url: string;
  caBundle?: string;
  failurePolicy?: 'Ignore' | 'Fail';
}

/** A MutatingWebhookConfiguration on pod creation, called at a URL (the API server reaches loopback directly). */
export function mutatingWebhook(w: WebhookSpec): Obj {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: w.name, ...(w.labels ? { labels: w.labels } : {}) },
    webhooks: [
      {
        name: w.webhookName,
        clientConfig: { url: w.url, ...(w.caBundle ? { caBundle: w.caBundle } : {}) },
        rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: 'Namespaced' }],
        namespaceSelector: w.namespaceSelector ?? {},
        objectSelector: w.objectSelector ?? {},
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        // Ignore: a stand-in whose server is gone must not block other pods.
        failurePolicy: w.failurePolicy ?? 'Ignore',
        timeoutSeconds: 5,
        reinvocationPolicy: 'Never',
      },
    ],
  };
}

/** Istio's default-revision injector, as istioctl installs it: namespaces labelled istio-injection=enabled, pods not opted out. */
export const istioInjector = (url: string, caBundle?: string, failurePolicy?: 'Ignore' | 'Fail'): Obj =>
  mutatingWebhook({
    name: 'istio-sidecar-injector',
    labels: { app: 'sidecar-injector', 'istio.io/rev': 'default' },
    webhookName: 'namespace.sidecar-injector.istio.io',
    namespaceSelector: { matchExpressions: [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }] },
    objectSelector: { matchExpressions: [{ key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] }] },
    url,
    ...(caBundle ? { caBundle } : {}),
    ...(failurePolicy ? { failurePolicy } : {}),
  });

/** Labelled namespaces of a run (none means nothing of it exists). */
export async function ownedNamespaces(client: KubeClient, runId: string): Promise<string[]> {
  const items = await client.list<{ metadata: { name: string } }>('/api/v1/namespaces', { labelSelector: ownerSelector(runId) });
  return items.map((n) => n.metadata.name);
}
