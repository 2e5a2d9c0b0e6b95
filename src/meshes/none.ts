import { noOverlay } from './kubernetes.ts';
import type { MeshAdapter } from './types.ts';

export const none: MeshAdapter = {
  name: 'none',
  displayName: 'No mesh',
  localProfile: () => ({ sidecars: false, mtls: false, proxyThreads: 0, rationale: 'baseline: load goes straight to the workload' }),
  kubernetesOverlay: noOverlay,
};
