/**
 * Pairing a platform with the collectors that can watch its containers: the platform says where
 * things run, the collectors read them, and neither knows the other (DESIGN.md layer order).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectors, KubeletCollector, type Collector } from '../collectors/index.ts';
import { ExternalPlatform, LocalPlatform, type Platform } from '../platforms/index.ts';
import { KubeClient, KubernetesPlatform, type ClusterAccess, type Environment } from '../platforms/kubernetes/index.ts';
import { chooseLayout, NETNS_ONLY_MESHES } from '../platforms/local/netns/layout.ts';
import { ambientPreflight } from '../platforms/local/ztunnel/preflight.ts';
import { bundleClusterEntry } from '../load/bundle.ts';
import { protocolOf, type PlatformName, type ResolvedScenario } from '../scenario/resolve.ts';
import type { LoaderSettings } from '../loader-settings.ts';
import { meshAdapter } from '../meshes/index.ts';

export interface PlatformSetup {
  platform: Platform;
  /** Read the resources of the containers each deployment reports; empty measures latency only. */
  collectors: Collector[];
}

/** What a platform's set-up may need beyond the scenario: cluster access, the CLI's environment. */
export interface SetupContext {
  /** `--kubeconfig` / `--context` (Kubernetes). */
  access: ClusterAccess;
  /** The CLI's io.env: KUBECONFIG, HOME, in-cluster variables. */
  env: Environment;
  signal: AbortSignal;
  /** Warnings to show before the run (App Mesh's end of support). */
  warn(message: string): void;
  /**
   * What a reader must know to read the figures, said in every output (Environment.caveats): the
   * set-up adds to it, and its collectors keep adding during the run (the same array).
   */
  caveats: string[];
}

type Factory = (s: ResolvedScenario, runId: string, ctx: SetupContext) => Promise<PlatformSetup>;

/**
 * The local platform's set-up, before anything starts (a refusal is exit 2): the layout (netns
 * when this process can create namespaces, unless the scenario pins one; istio-ambient refuses
 * loopback), then what istio-ambient needs (ztunnel, its ZDS helper's Python).
 */
async function localSetup(s: ResolvedScenario, runId: string): Promise<PlatformSetup> {
  const { layout, reason } = await chooseLayout(s.local.layout, s.meshes);
  const ambient = s.meshes.some((m) => NETNS_ONLY_MESHES.includes(m)) ? await ambientPreflight() : null;
  const platform = await LocalPlatform.create({
    runId,
    cpuCount: cpus().length,
    requestTimeoutMs: s.load.timeoutMs,
    layout,
    layoutReason: reason,
    sidecar: s.local.sidecar,
    control: s.local.control,
    istio: s.meshes.includes('istio'),
    // A run of none or istio-ambient alone needs no sidecar proxy installed.
    sidecars: s.meshes.some((m) => meshAdapter(s, m).localProfile?.({ cpuCount: 1 }).sidecars === true),
    load: { mode: s.load.mode, warmupMs: s.load.warmupMs, durationMs: s.load.durationMs, timeoutMs: s.load.timeoutMs, jitter: s.load.jitter, lagLimitUs: s.load.schedulerLagLimitUs, workers: s.load.workers, ...protocolSettings(s) },
    ...(ambient && { ztunnelPath: ambient.ztunnelPath, components: ambient.components }),
    // The loader runs as its own process on either layout: the bundle keeps it lean (no
    // TypeScript loaded). Without esbuild or a prebuilt bundle, the entry's source runs instead.
    ...(await loaderBundle().then((loaderSource) => ({ loaderSource }), () => ({}))),
    // autocannon runs only in this process (the loader process carries meshbench's engine alone).
    loadInProcess: s.load.engine === 'autocannon',
  });
  return { platform, collectors: [collectors.procfs({ sampleIntervalMs: s.resources.sampleIntervalMs })] };
}

export const SIMULATED_CAVEAT = 'pods were simulated by kwok: this run tests the plumbing, not a mesh';

/**
 * Kubernetes: the cluster as kubectl would pick it, preflight (PreflightError, exit 2, nothing
 * created), the engine bundle the load Jobs run, and the kubelet collector.
 */
async function kubernetesSetup(s: ResolvedScenario, runId: string, ctx: SetupContext): Promise<PlatformSetup> {
  const client = KubeClient.fromAccess(ctx.access, ctx.env);
  // Bundled before preflight would be cheaper to fail, but preflight says more about the cluster first.
  const platform = await KubernetesPlatform.create({ client, scenario: s, runId, signal: ctx.signal, bundle: await loaderBundle() });
  for (const w of platform.preflight.warnings) ctx.warn(w);
  if (platform.cluster.simulated) ctx.caveats.push(SIMULATED_CAVEAT);
  const kubelet = new KubeletCollector({
    client,
    intervalMs: s.resources.sampleIntervalMs,
    onNotice: (m) => addOnce(ctx.caveats, m),
    // kwok serves one node per process at the kubelet's plain path; each node has its own under /metrics/nodes/.
    ...(platform.cluster.simulated ? { resourcePath: (node: string) => `/metrics/nodes/${node}/metrics/resource` } : {}),
  });
  return { platform, collectors: [withCaveats(kubelet, ctx.caveats)] };
}

/** `npm run build:loader` writes it, for an install without esbuild (a devDependency). */
export const PREBUILT_LOADER = fileURLToPath(new URL('../../dist/meshbench-loader.mjs', import.meta.url));

/**
 * The in-cluster engine as one file, once per run: bundled from these sources (about a second),
 * so a checkout never ships a stale engine; the prebuilt file only where esbuild is not installed.
 */
export async function loaderBundle(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'meshbench-loader-'));
  try {
    const out = join(dir, 'meshbench-loader.mjs');
    await bundleClusterEntry(out);
    return await readFile(out, 'utf8');
  } catch (e) {
    if (existsSync(PREBUILT_LOADER)) return readFile(PREBUILT_LOADER, 'utf8');
    throw e;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const addOnce = (list: string[], m: string) => {
  if (!list.includes(m)) list.push(m);
};

/** The kubelet collector's caveats (samples without timestamps, the metrics.k8s.io fallback) as each window ends. */
function withCaveats(c: KubeletCollector, caveats: string[]): Collector {
  return {
    name: c.name,
    async begin(containers) {
      const w = await c.begin(containers);
      return {
        cancel: () => w.cancel(),
        end: async () => {
          const usage = await w.end();
          for (const m of c.caveats) addOnce(caveats, m);
          return usage;
        },
      };
    },
  };
}

export const platformSetups: Record<PlatformName, Factory> = {
  local: localSetup,
  // Only the load generator runs here; watching it keeps the loader self-check.
  external: async (s) => ({
    platform: new ExternalPlatform(s.target!),
    collectors: [collectors.procfs({ sampleIntervalMs: s.resources.sampleIntervalMs })],
  }),
  kubernetes: kubernetesSetup,
};

/** The loader settings a protocol adds: streams per connection (h2c, grpc) and a tcp request's size. */
export function protocolSettings(s: ResolvedScenario): Pick<LoaderSettings, 'streamsPerConnection' | 'messageBytes'> {
  return { ...(s.load.streamsPerConnection ? { streamsPerConnection: s.load.streamsPerConnection } : {}), ...(protocolOf(s) === 'tcp' ? { messageBytes: s.workload.payloadBytes } : {}) };
}
