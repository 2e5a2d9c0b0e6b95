import type { PlatformName } from '../scenario/resolve.ts';

export type { Deployment, Platform, WatchedContainer, ContainerRole } from './types.ts';

/** Platforms that can run now; the schema already accepts the others, refused at run time. */
export const availablePlatforms: ReadonlySet<PlatformName> = new Set(['local']);
