/**
 * Istio's own control plane for the local platform (`local.control: istiod`), once per run: the API
 * tier of scripts/k8s-tier.sh in a run folder of this run's own (never a developer's or CI's tier),
 * Istio's CRDs from the cached istioctl, then istiod 1.31-dev outside any cluster, as
 * ../shared/envoy/lab-sidecar.sh ran it, with the settings upstream Envoy needs: no Istio filters
 * (PILOT_ENABLE_METADATA_EXCHANGE=false, PILOT_ENABLE_ALPN_FILTER=false, no metrics provider).
 *
 * The pods are network namespaces with no route to this one, so each pod reaches istiod's XDS/CA
 * port through a unix socket (a path crosses namespaces where an address does not): a relay in the
 * pod (agent.ts) dials `xdsSocket`, and this process splices it to istiod's 127.0.0.1 port.
 * stop() ends istiod and the tier and removes the tier's folder, on every exit path.
 */
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAllDocuments } from 'yaml';
import { RunError } from '../../../errors.ts';
import type { KubernetesObject } from '../../../meshes/index.ts';
import { FIELD_MANAGER, KubeClient } from '../../kubernetes/client.ts';
import { runCommand } from '../netns/exec.ts';
import { freeLoopbackPort } from '../ports.ts';
import { startProcess, type ManagedProcess } from '../processes.ts';
import { TIER_SCRIPT, type IstioBinaries } from './binaries.ts';

const WHERE = 'local platform (local.control: istiod)';
/** istiod's name for itself: the SAN of its serving certificate, which every agent checks. */
export const ISTIOD_SAN = 'istiod.istio-system.svc';

/**
 * Istiod's environment as the istio-discovery chart sets it (default profile), plus the two flags
 * that keep Istio's own filters out of the config, which upstream Envoy would reject (NACK).
 */
export const ISTIOD_ENV: Readonly<Record<string, string>> = {
  POD_NAME: 'istiod-local',
  POD_NAMESPACE: 'istio-system',
  SERVICE_ACCOUNT: 'istiod',
  REVISION: 'default',
  PILOT_CERT_PROVIDER: 'istiod',
  CLUSTER_ID: 'Kubernetes',
  PILOT_ENABLE_ANALYSIS: 'false',
  ISTIOD_CUSTOM_HOST: ISTIOD_SAN,
  PILOT_ENABLE_METADATA_EXCHANGE: 'false',
  PILOT_ENABLE_ALPN_FILTER: 'false',
};

/** The mesh config: Istio's defaults, with no `defaultProviders.metrics` (its istio.stats filter is Istio's own). */
export const MESH_CONFIG = 'defaultConfig:\n  discoveryAddress: istiod.istio-system.svc:15012\n';

export interface IstiodOptions {
  binaries: IstioBinaries;
  /** The run's working folder: the tier's run folder, istiod's log and the XDS socket go here. */
  workDir: string;
  readyTimeoutMs: number;
  signal: AbortSignal;
}

export class IstiodControlPlane {
  readonly client: KubeClient;
  /** The unix socket each pod's relay dials: istiod's XDS and CA port (15012). */
  readonly xdsSocket: string;
  /** istiod's plain HTTP debug port on 127.0.0.1 (/ready, /debug/syncz). */
  readonly httpPort: number;
  readonly version: string;
  readonly logFile: string;
  /** From starting the tier to istiod ready, for the docs' start-up figure. */
  readonly startupMs: number;
  private readonly process: ManagedProcess;
  private readonly bridge: Server;
  private readonly tierEnv: NodeJS.ProcessEnv;
  private readonly tierDir: string;
  private stopped: Promise<void> | undefined;
  /** The tier's processes are detached (setsid): a forced exit of meshbench, where stop() never runs, stops them here. */
  private readonly stopTierOnExit = () => {
    try {
      execFileSync('bash', [TIER_SCRIPT, 'stop'], { env: this.tierEnv, stdio: 'ignore', timeout: 30_000 });
    } catch {
      // Nothing more can be done while exiting; `ps` shows what is left, named by this run's folder.
    }
  };

  private constructor(f: { client: KubeClient; xdsSocket: string; httpPort: number; version: string; logFile: string; startupMs: number; process: ManagedProcess; bridge: Server; tierEnv: NodeJS.ProcessEnv; tierDir: string }) {
    this.client = f.client;
    this.xdsSocket = f.xdsSocket;
    this.httpPort = f.httpPort;
    this.version = f.version;
    this.logFile = f.logFile;
    this.startupMs = f.startupMs;
    this.process = f.process;
    this.bridge = f.bridge;
    this.tierEnv = f.tierEnv;
    this.tierDir = f.tierDir;
    // Before the platform's own hook removes the working folder, which holds the tier's pid files.
    process.prependListener('exit', this.stopTierOnExit);
  }

  /** The tier, the CRDs, istiod ready; on any failure what was started is stopped again. */
  static async start(o: IstiodOptions): Promise<IstiodControlPlane> {
    const t0 = Date.now();
    const tierDir = join(o.workDir, 'tier');
    const tierEnv = { ...process.env, MESHBENCH_TIER_RUN: tierDir };
    const stopTier = async () => {
      await runCommand('bash', [TIER_SCRIPT, 'stop'], { timeoutMs: 60_000, env: tierEnv });
      await rm(tierDir, { recursive: true, force: true });
    };
    let istiod: ManagedProcess | undefined;
    let bridge: Server | undefined;
    try {
      const up = await runCommand('bash', [TIER_SCRIPT, 'start'], { timeoutMs: 120_000, env: tierEnv });
      if (up.code !== 0) throw new RunError({ what: `the API tier did not start (exit ${up.code}): ${up.stderr.trim().split('\n').slice(-4).join(' | ')}`, where: WHERE, fix: `see its logs in ${tierDir}/logs; \`./scripts/k8s-tier.sh build\` rebuilds a broken tier` });
      o.signal.throwIfAborted();
      const client = KubeClient.fromAccess({ kubeconfig: join(tierDir, 'admin.kubeconfig') });
      await installCrds(client, o.binaries.istioctl, o.signal);
      await serverSideApply(client, [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } },
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'istiod', namespace: 'istio-system' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: MESH_CONFIG } } as KubernetesObject,
      ]);
      const [http, grpc, secure, monitoring, https, ctrlz] = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
      const logFile = join(o.workDir, 'istiod.log');
      const env = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...ISTIOD_ENV };
      const args = [
        // On the command line (not KUBECONFIG): it names the run's folder, so a leftover istiod is findable.
        'discovery', '--kubeconfig', join(tierDir, 'admin.kubeconfig'), '--domain', 'cluster.local',
        `--httpAddr=127.0.0.1:${http}`, `--grpcAddr=127.0.0.1:${grpc}`, `--secureGRPCAddr=127.0.0.1:${secure}`,
        `--monitoringAddr=127.0.0.1:${monitoring}`, `--httpsAddr=127.0.0.1:${https}`, `--ctrlz_port=${ctrlz}`,
      ];
      istiod = startProcess({ name: 'istiod', command: 'sh', args: ['-c', 'exec env -i "$@" >"$0" 2>&1', logFile, ...Object.entries(env).map(([k, v]) => `${k}=${v}`), o.binaries.pilotDiscovery, ...args] });
      await waitReady(`http://127.0.0.1:${http}/ready`, istiod, logFile, o.readyTimeoutMs, o.signal);
      const xdsSocket = join(o.workDir, 'istiod.sock');
      bridge = await unixToTcp(xdsSocket, secure);
      return new IstiodControlPlane({ client, xdsSocket, httpPort: http, version: o.binaries.version, logFile, startupMs: Date.now() - t0, process: istiod, bridge, tierEnv, tierDir });
    } catch (error) {
      bridge?.close();
      await istiod?.stop();
      await stopTier();
      throw error;
    }
  }

  /** istiod's own process, for a trial to notice it ending. */
  get managed(): ManagedProcess {
    return this.process;
  }

  /** GET on istiod's debug port. */
  async debug(path: string): Promise<string> {
    const r = await fetch(`http://127.0.0.1:${this.httpPort}${path}`, { signal: AbortSignal.timeout(5_000) });
    if (!r.ok) throw new RunError({ what: `istiod's ${path} answered ${r.status}`, where: WHERE, fix: `see ${this.logFile}` });
    return r.text();
  }

  /** Idempotent: istiod, then the tier (and its folder). */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      process.off('exit', this.stopTierOnExit);
      this.bridge.close();
      await this.process.stop();
      await runCommand('bash', [TIER_SCRIPT, 'stop'], { timeoutMs: 60_000, env: this.tierEnv });
      await rm(this.tierDir, { recursive: true, force: true });
    })();
    return this.stopped;
  }
}

/** Server-side apply, as `kubectl apply --server-side` does; objects whose CRD is still being set up are retried briefly. */
export async function serverSideApply(client: KubeClient, objects: readonly KubernetesObject[], signal?: AbortSignal): Promise<void> {
  for (const obj of objects) {
    for (let attempt = 0; ; attempt++) {
      try {
        const path = await client.pathOf(obj, signal);
        await client.request('PATCH', path, { query: { fieldManager: FIELD_MANAGER, force: 'true' }, body: obj, contentType: 'application/apply-patch+yaml', signal });
        break;
      } catch (e) {
        if (attempt >= 50) throw new RunError({ what: `the API tier refused ${obj.kind}/${obj.metadata.name}: ${(e as Error).message}`, where: WHERE, fix: 'see the message', cause: e });
        client.forgetDiscovery();
        await sleep(100, undefined, { signal });
      }
    }
  }
}

/** Istio's CRDs, as the cached istioctl renders them (offline, charts built in). */
async function installCrds(client: KubeClient, istioctl: string, signal: AbortSignal): Promise<void> {
  const r = await runCommand(istioctl, ['manifest', 'generate', '--set', 'profile=minimal'], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new RunError({ what: `\`istioctl manifest generate\` failed (${r.code}): ${r.stderr.trim().slice(0, 300)}`, where: WHERE, fix: 'rebuild Istio\'s binaries: `FORCE=1 ./scripts/istio.sh build`' });
  const crds = parseAllDocuments(r.stdout).map((d) => d.toJS() as KubernetesObject | null).filter((d): d is KubernetesObject => d?.kind === 'CustomResourceDefinition');
  if (crds.length === 0) throw new RunError({ what: '`istioctl manifest generate` rendered no CustomResourceDefinition', where: WHERE, fix: 'rebuild Istio\'s binaries: `FORCE=1 ./scripts/istio.sh build`' });
  await serverSideApply(client, crds, signal);
  client.forgetDiscovery();
}

async function waitReady(url: string, p: ManagedProcess, logFile: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
  let exit: number | string | undefined;
  void p.exited.then((code) => (exit = code));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal.throwIfAborted();
    if (exit !== undefined) throw new RunError({ what: `istiod exited (${exit}) before it was ready`, where: WHERE, fix: `see its log, ${logFile}` });
    if (await fetch(url, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false)) return;
    if (Date.now() > deadline) throw new RunError({ what: `istiod was not ready within ${timeoutMs} ms (${url})`, where: WHERE, fix: `see its log, ${logFile}` });
    await sleep(200, undefined, { signal });
  }
}

/** A unix socket whose every connection is spliced to 127.0.0.1:`port`. */
async function unixToTcp(path: string, port: number): Promise<Server> {
  await rm(path, { force: true });
  const server = createServer((inbound: Socket) => {
    const out = connect(port, '127.0.0.1');
    inbound.pipe(out).pipe(inbound);
    const close = () => {
      inbound.destroy();
      out.destroy();
    };
    inbound.on('error', close).on('close', close);
    out.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path, resolve));
  return server;
}
