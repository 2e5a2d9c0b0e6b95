import type { MeshAdapter } from './types.ts';

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
  }),
};
