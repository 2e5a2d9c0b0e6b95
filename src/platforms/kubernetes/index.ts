/** The Kubernetes platform's public surface, for the platform registry and the CLI. */
export { KubeClient, KubeApiError } from './client.ts';
export { loadKubeConfig, type ClusterAccess, type Environment } from './kubeconfig.ts';
export { preflight, type PreflightReport } from './preflight.ts';
export { PreflightError, formatProblem, type Problem } from './problems.ts';
export { KubernetesPlatform, type KubernetesContainer, type KubernetesDeployment, type KubernetesPlatformOptions } from './platform.ts';
export { cleanup, formatCleanup, type CleanupOptions, type CleanupResult } from './teardown.ts';
export { readClusterFacts, componentVersions, type ClusterFacts } from './environment.ts';
export type { MeshRequirement } from './mesh-requirements.ts';
