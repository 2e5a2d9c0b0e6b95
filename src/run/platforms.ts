/**
 * Pairing a platform with the collectors that can watch its containers: the platform says where
 * things run, the collectors read them, and neither knows the other (DESIGN.md layer order).
 */
import { cpus } from 'node:os';
import { collectors, type Collector } from '../collectors/index.ts';
import { ExternalPlatform, LocalPlatform, type Platform } from '../platforms/index.ts';
import { chooseLayout, NETNS_ONLY_MESHES } from '../platforms/local/netns/layout.ts';
import { ambientPreflight } from '../platforms/local/ztunnel/preflight.ts';
import type { PlatformName, ResolvedScenario } from '../scenario/resolve.ts';

export interface PlatformSetup {
  platform: Platform;
  /** Read the resources of the containers each deployment reports; empty measures latency only. */
  collectors: Collector[];
}

type Factory = (s: ResolvedScenario, runId: string) => Promise<PlatformSetup>;

/**
 * The local platform's set-up, before anything starts (a refusal is exit 2): the layout (netns
 * when this process can create namespaces, unless the scenario pins one; istio-ambient refuses
 * loopback), then what istio-ambient needs (ztunnel, its ZDS helper's Python).
 */
async function localSetup(s: ResolvedScenario, runId: string): Promise<PlatformSetup> {
  const { layout } = await chooseLayout(s.local.layout, s.meshes);
  const ambient = s.meshes.some((m) => NETNS_ONLY_MESHES.includes(m)) ? await ambientPreflight() : null;
  const rate = s.load.mode === 'rate';
  const platform = await LocalPlatform.create({
    runId,
    cpuCount: cpus().length,
    requestTimeoutMs: s.load.timeoutMs,
    layout,
    load: { mode: rate ? 'rate' : 'max', warmupMs: s.load.warmupMs, durationMs: s.load.durationMs, timeoutMs: s.load.timeoutMs, jitter: s.load.jitter, lagLimitUs: s.load.schedulerLagLimitUs },
    ...(ambient && { ztunnelPath: ambient.ztunnelPath, components: ambient.components }),
  });
  return { platform, collectors: [collectors.procfs({ sampleIntervalMs: s.resources.sampleIntervalMs })] };
}

/** Platforms that can run now; the schema accepts `kubernetes` too, refused before anything starts. */
export const platformSetups: Partial<Record<PlatformName, Factory>> = {
  local: localSetup,
  // Only the load generator runs here; watching it keeps the loader self-check.
  external: async (s) => ({
    platform: new ExternalPlatform(s.target!),
    collectors: [collectors.procfs({ sampleIntervalMs: s.resources.sampleIntervalMs })],
  }),
};
