import type { EnvoySidecarDefaults, MeshAdapter } from './types.ts';
import { injected, type KubernetesObject, type KubernetesOverlay, type KubernetesMeshOptions, type PodOverlay } from './kubernetes.ts';

const API = 'appmesh.k8s.aws/v1beta2';
const TRUST_DOMAIN = 'spiffe://meshbench.local';

/**
 * What App Mesh put in its Envoys for a virtual node / virtual service pair with no route policy
 * (sources in docs/local-envoy.md): concurrency unset, ingress :15000 and egress :15001 for uid
 * 1337's proxy, admin :9901, the default route retry policy of meshes made after 2020-07-29, the
 * 15 s request timeout, circuit breakers opened up to 2^31-1. Envoy's own defaults elsewhere.
 */
export const APPMESH_ENVOY_DEFAULTS: EnvoySidecarDefaults = {
  naming: 'appmesh',
  concurrency: null,
  ports: { outbound: 15001, inbound: 15000, admin: 9901, proxyUid: 1337, inboundExcluded: [] },
  routeTimeoutMs: 15_000,
  retry: { numRetries: 2, retryOn: 'connect-failure,refused-stream,reset,retriable-status-codes', retriableStatusCodes: [503], previousHosts: false, hostSelectionRetryMaxAttempts: null },
  connectTimeoutMs: null,
  circuitBreakerLimit: 2_147_483_647,
  upstreamIdleTimeoutMs: null,
  forwardClientCert: false,
};

/** Mesh is cluster-scoped: one per run, selecting the run's namespace by label. */
export const appmeshName = (runId: string) => `meshbench-${runId.toLowerCase()}`;

function kubernetesOverlay(o: KubernetesMeshOptions): KubernetesOverlay {
  const on = injected(o.placement);
  const mesh = appmeshName(o.runId);
  const host = `${o.workload.name}.${o.namespace}.svc.${o.clusterDomain}`;
  // mTLS per virtual node: SPIFFE identities through SDS (SPIRE), App Mesh's mutual TLS option.
  const sds = (name: string) => ({ sds: { secretName: `${TRUST_DOMAIN}/${name}` } });
  const trust = { trust: { sds: { secretName: TRUST_DOMAIN } } };
  const pod = (inject: boolean): PodOverlay => ({ labels: {}, annotations: inject ? {} : { 'appmesh.k8s.aws/sidecarInjectorWebhook': 'disabled' } });
  const objects: KubernetesObject[] = [
    {
      apiVersion: API,
      kind: 'VirtualNode',
      metadata: { name: o.workload.name, namespace: o.namespace },
      spec: {
        podSelector: { matchLabels: { app: o.workload.name } },
        listeners: [
          {
            portMapping: { port: o.workload.port, protocol: 'http' },
            ...(o.mtls ? { tls: { mode: 'STRICT', certificate: sds(o.workload.name), validation: trust } } : {}),
          },
        ],
        serviceDiscovery: { dns: { hostname: host } },
      },
    },
    {
      apiVersion: API,
      kind: 'VirtualNode',
      metadata: { name: o.loadgen.name, namespace: o.namespace },
      spec: {
        podSelector: { matchLabels: { app: o.loadgen.name } },
        backends: [{ virtualService: { virtualServiceRef: { name: o.workload.name } } }],
        ...(o.mtls ? { backendDefaults: { clientPolicy: { tls: { enforce: true, certificate: sds(o.loadgen.name), validation: trust } } } } : {}),
      },
    },
  ];
  const provider = o.appmesh.router
    ? { virtualRouter: { virtualRouterRef: { name: o.workload.name } } }
    : { virtualNode: { virtualNodeRef: { name: o.workload.name } } };
  if (o.appmesh.router) {
    objects.push({
      apiVersion: API,
      kind: 'VirtualRouter',
      metadata: { name: o.workload.name, namespace: o.namespace },
      spec: {
        listeners: [{ portMapping: { port: o.workload.port, protocol: 'http' } }],
        routes: [{ name: 'all', httpRoute: { match: { prefix: '/' }, action: { weightedTargets: [{ virtualNodeRef: { name: o.workload.name }, weight: 100 }] } } }],
      },
    });
  }
  // The Kubernetes Service of the workload is named so that its DNS name is this awsName.
  objects.push({ apiVersion: API, kind: 'VirtualService', metadata: { name: o.workload.name, namespace: o.namespace }, spec: { awsName: host, provider } });
  return {
    namespaceLabels: { mesh, 'appmesh.k8s.aws/sidecarInjectorWebhook': 'enabled' },
    workloadPod: pod(on.workload),
    loadgenPod: pod(on.loadgen),
    clusterObjects: [{ apiVersion: API, kind: 'Mesh', metadata: { name: mesh }, spec: { namespaceSelector: { matchLabels: { mesh } } } }],
    namespacedObjects: objects,
    dataPlaneContainers: ['envoy'],
    dataPlanePods: [],
    jobTermination: { method: 'http-post', url: 'http://127.0.0.1:9901/quitquitquit' },
  };
}

export const appmesh: MeshAdapter = {
  name: 'appmesh',
  displayName: 'AWS App Mesh',
  // App Mesh leaves Envoy's --concurrency unset, so Envoy starts one worker per core; TLS between
  // virtual nodes is off unless a backend policy asks for it.
  localProfile: ({ cpuCount }) => ({
    sidecars: true,
    mtls: false,
    proxyThreads: Math.max(1, cpuCount),
    rationale: 'App Mesh defaults: plaintext between Envoys, Envoy concurrency unset (one worker per core)',
    envoy: APPMESH_ENVOY_DEFAULTS,
  }),
  kubernetesOverlay,
};
