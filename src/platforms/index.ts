export type { ContainerRole, Deployment, DeployRequest, KubernetesContainer, LoadPlacement, Platform, ProcessContainer, WatchedContainer } from './types.ts';
export { CONTAINER_ROLES } from './types.ts';
export { ExternalPlatform } from './external.ts';
export { LocalPlatform, type LocalPlatformOptions } from './local/index.ts';
