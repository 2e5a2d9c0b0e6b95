import type { MeshAdapter } from './types.ts';

/** Istio's default proxy concurrency is 2 worker threads per sidecar (meshConfig defaultConfig.concurrency). */
export const ISTIO_DEFAULT_PROXY_CONCURRENCY = 2;

export const istio: MeshAdapter = {
  name: 'istio',
  displayName: 'Istio',
  localProfile: () => ({
    sidecars: true,
    mtls: true,
    proxyThreads: ISTIO_DEFAULT_PROXY_CONCURRENCY,
    rationale: 'Istio sidecar mode defaults: mutual TLS between sidecars (auto mTLS), proxy concurrency 2',
  }),
};
