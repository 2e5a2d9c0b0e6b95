/**
 * Pairing a platform with the collectors that can watch its containers: the platform says where
 * things run, the collectors read them, and neither knows the other (DESIGN.md layer order).
 */
import { cpus } from 'node:os';
import { collectors, type Collector } from '../collectors/index.ts';
import { ExternalPlatform, LocalPlatform, type Platform } from '../platforms/index.ts';
import type { PlatformName, ResolvedScenario } from '../scenario/resolve.ts';

export interface PlatformSetup {
  platform: Platform;
  /** Read the resources of the containers each deployment reports; empty measures latency only. */
  collectors: Collector[];
}

type Factory = (s: ResolvedScenario, runId: string) => Promise<PlatformSetup>;

/** Platforms that can run now; the schema accepts `kubernetes` too, refused before anything starts. */
export const platformSetups: Partial<Record<PlatformName, Factory>> = {
  local: async (s, runId) => ({
    platform: await LocalPlatform.create({ runId, cpuCount: cpus().length, requestTimeoutMs: s.load.timeoutMs }),
    collectors: [collectors.procfs({ sampleIntervalMs: s.resources.sampleIntervalMs })],
  }),
  // Only the load generator runs here; watching it keeps the loader self-check.
  external: async (s) => ({
    platform: new ExternalPlatform(s.target!),
    collectors: [collectors.procfs({ sampleIntervalMs: s.resources.sampleIntervalMs })],
  }),
};
