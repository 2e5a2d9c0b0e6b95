import type { EnvoySidecarDefaults, MeshAdapter } from './types.ts';
import { injected, istiodPods, type KubernetesObject, type KubernetesOverlay, type KubernetesMeshOptions, type PodOverlay } from './kubernetes.ts';

/** Istio's default proxy concurrency is 2 worker threads per sidecar (meshConfig defaultConfig.concurrency). */
export const ISTIO_DEFAULT_PROXY_CONCURRENCY = 2;

/**
 * Istio's sidecar defaults, as istiod renders them for a plain HTTP service with no VirtualService
 * or DestinationRule (sources in docs/local-envoy.md): capture ports and uid of istio-iptables,
 * admin on 127.0.0.1:15000, no route timeout, the default retry policy, 10 s connect timeout,
 * circuit breakers opened up to 2^32-1, 1 h upstream idle timeout, XFCC set on inbound.
 */
export const ISTIO_ENVOY_DEFAULTS: EnvoySidecarDefaults = {
  naming: 'istio',
  concurrency: ISTIO_DEFAULT_PROXY_CONCURRENCY,
  ports: { outbound: 15001, inbound: 15006, admin: 15000, proxyUid: 1337, inboundExcluded: [15008, 15020, 15021, 15090] },
  routeTimeoutMs: 0,
  retry: { numRetries: 2, retryOn: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes', retriableStatusCodes: [503], previousHosts: true, hostSelectionRetryMaxAttempts: 5 },
  connectTimeoutMs: 10_000,
  circuitBreakerLimit: 4_294_967_295,
  upstreamIdleTimeoutMs: 3_600_000,
  forwardClientCert: true,
};

/** Envoy's TLS handshake counters (listener and cluster), which the mTLS proof reads (platforms/kubernetes/mtls-proof.ts). */
export const MTLS_STATS = '.*\\.ssl\\.(handshake|no_certificate)$';

const RESOURCE_ANNOTATIONS = { cpu: 'proxyCPU', memory: 'proxyMemory', cpuLimit: 'proxyCPULimit', memoryLimit: 'proxyMemoryLimit' } as const;

/** sidecar.istio.io/proxyCPU and friends, for the requests and limits the scenario sets. */
function resourceAnnotations(o: KubernetesMeshOptions): Record<string, string> {
  return Object.fromEntries(
    Object.entries(RESOURCE_ANNOTATIONS).flatMap(([key, name]) => {
      const value = o.istio.proxyResources[key as keyof typeof RESOURCE_ANNOTATIONS];
      return value ? [[`sidecar.istio.io/${name}`, value]] : [];
    }),
  );
}

function kubernetesOverlay(o: KubernetesMeshOptions): KubernetesOverlay {
  const on = injected(o.placement);
  const pod = (inject: boolean): PodOverlay => ({
    labels: { 'sidecar.istio.io/inject': String(inject) },
    // The TLS handshake stats are outside Istio's default stats inclusion list; meshbench reads them to prove mTLS.
    annotations: inject
      ? {
          'proxy.istio.io/config': JSON.stringify({ concurrency: o.istio.concurrency, proxyStatsMatcher: { inclusionRegexps: [MTLS_STATS] } }),
          ...resourceAnnotations(o),
          ...(o.istio.nativeSidecars === null ? {} : { 'sidecar.istio.io/nativeSidecar': String(o.istio.nativeSidecars) }),
        }
      : {},
  });
  const objects: KubernetesObject[] = [
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: o.namespace },
      spec: { mtls: { mode: o.mtls ? 'STRICT' : 'DISABLE' } },
    },
  ];
  if (!o.mtls) {
    // Auto mTLS would still make clients try TLS; tell them not to, for the workload's host.
    objects.push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: `${o.workload.name}-plaintext`, namespace: o.namespace },
      spec: { host: `${o.workload.name}.${o.namespace}.svc.${o.clusterDomain}`, trafficPolicy: { tls: { mode: 'DISABLE' } } },
    });
  }
  return {
    namespaceLabels: o.istio.revision ? { 'istio.io/rev': o.istio.revision } : { 'istio-injection': 'enabled' },
    workloadPod: pod(on.workload),
    loadgenPod: pod(on.loadgen),
    clusterObjects: [],
    namespacedObjects: objects,
    dataPlaneContainers: ['istio-proxy'],
    dataPlanePods: [istiodPods(o.istio.revision)],
    // Istio >= 1.27 can inject the proxy as a native sidecar; otherwise the Job asks it to quit.
    jobTermination: { method: 'native-sidecar', otherwise: { method: 'http-post', url: 'http://127.0.0.1:15020/quitquitquit' } },
  };
}

export const istio: MeshAdapter = {
  name: 'istio',
  displayName: 'Istio',
  localProfile: () => ({
    sidecars: true,
    mtls: true,
    proxyThreads: ISTIO_DEFAULT_PROXY_CONCURRENCY,
    rationale: 'Istio sidecar mode defaults: mutual TLS between sidecars (auto mTLS), proxy concurrency 2',
    envoy: ISTIO_ENVOY_DEFAULTS,
  }),
  kubernetesOverlay,
};
