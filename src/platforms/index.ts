import { cpus } from 'node:os';
import { ProcfsCollector, type Collector } from '../collectors/index.ts';
import type { PlatformName, ResolvedScenario } from '../scenario/resolve.ts';
import { ExternalPlatform } from './external.ts';
import { LocalPlatform } from './local/index.ts';
import type { Platform } from './types.ts';

export type { Deployment, Platform, WatchedContainer, ContainerRole } from './types.ts';

export interface CreatedPlatform {
  platform: Platform;
  /** Reads the resources of the containers the platform reports. */
  collector: Collector | null;
  /** For the environment record: the local sidecars' HAProxy version. */
  haproxyVersion: string | null;
}

type Factory = (s: ResolvedScenario, runId: string) => Promise<CreatedPlatform>;

/** Platforms that can run now; the schema accepts `kubernetes` too, refused at run time. */
export const platforms: Partial<Record<PlatformName, Factory>> = {
  local: async (s, runId) => {
    const platform = await LocalPlatform.create({ runId, cpuCount: cpus().length, requestTimeoutMs: s.load.timeoutMs });
    return { platform, collector: new ProcfsCollector({ intervalMs: s.resources.sampleIntervalMs }), haproxyVersion: platform.proxyVersion };
  },
  // Only the load generator runs here; watching it keeps the loader self-check.
  external: async (s) => ({ platform: new ExternalPlatform(s.target!), collector: new ProcfsCollector({ intervalMs: s.resources.sampleIntervalMs }), haproxyVersion: null }),
};
