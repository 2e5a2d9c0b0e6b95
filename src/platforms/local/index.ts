/**
 * The embedded local platform, in one of two layouts (netns/layout.ts). `loopback`: the workload
 * as a child process on 127.0.0.1 and, for a meshed trial, its sidecars dialled on their ports
 * (an Envoy per pod with the mesh's defaults, envoy/sidecars.ts; or, with `sidecar: haproxy`, the
 * older HAProxy stand-ins), loaded by the in-process engine. `netns`: pods as network namespaces on two nodes, the
 * loader run inside its pod, sidecars reached by iptables capture, and istio-ambient's real
 * ztunnels (netns-deploy.ts). Everything a trial starts is stopped by teardown(); close() stops
 * what is left and removes the run's working folder.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RunError } from '../../errors.ts';
import { localEmulationLabel } from '../../meshes/index.ts';
import type { LocalControl, LocalMeshProfile, LocalSidecar, MeshAdapter } from '../../meshes/types.ts';
import type { EnvoyBinary } from './envoy/binary.ts';
import { envoyContainer, EnvoySidecars } from './envoy/sidecars.ts';
import { HEALTH_PATH } from '../../workload/service.ts';
import type { Deployment, DeployRequest, LoadChecks, Platform } from '../types.ts';
import { createMeshCertificates, type MeshCertificates } from './certs.ts';
import { createWorkloadCertificates, type WorkloadCertificates } from '../workload-tls.ts';
import { inboundSidecarConfig, outboundSidecarConfig, startHaproxy } from './haproxy.ts';
import { freeLoopbackPort } from './ports.ts';
import { describeExit, type ManagedProcess } from './processes.ts';
import { waitForHealthy, waitForPort, waitForProbe } from './readiness.ts';
import { speaksTls, targetUrl as workloadTarget, type Protocol } from '../../workload/protocol.ts';
import { removeTreeSync } from './remove-tree.ts';
import { startWorkload } from './workload-process.ts';
import { needsNetnsLayout } from '../../meshes/types.ts';
import type { LocalLayout } from './netns/layout.ts';
import { deployNetns, type NetnsDeployContext, type NetnsTrial } from './netns-deploy.ts';
import type { PodLoader } from './netns/pod-loader.ts';
import { loopbackLoader, writeLoaderEntry } from './process-loader.ts';
import type { IstioBinaries } from './istiod/binaries.ts';
import { istiodPreflight, PreflightError, sidecarProxy, type SidecarProxy } from './preflight.ts';
import { IstiodControlPlane } from './istiod/control-plane.ts';
import { istiodComponents, istiodLabel } from './istiod/label.ts';
import { ownedWorkDir } from './work-dir.ts';

export interface LocalPlatformOptions {
  runId: string;
  cpuCount: number;
  requestTimeoutMs: number;
  /** How long a deployment may take to answer its health check. */
  readyTimeoutMs?: number;
  /** Default loopback; `netns` needs root (the run's set-up probes it, netns/layout.ts). */
  layout?: LocalLayout;
  /** Why that layout (netns/layout.ts chooseLayout). */
  layoutReason?: string;
  /** Netns layout: the scenario's load settings, for the loader that runs in the loader pod. */
  load?: NetnsDeployContext['load'];
  /** The ztunnel binary, when a mesh of the run needs it (ztunnel/preflight.ts found it). */
  ztunnelPath?: string;
  /** Versions of what else the run uses (ztunnel), for the result's environment. */
  components?: Readonly<Record<string, string>>;
  /** The sidecar proxy of meshed trials: Envoy (default) or the HAProxy stand-ins of older results. */
  sidecar?: LocalSidecar;
  /**
   * What configures `istio`'s Envoy sidecars (default static). `istiod`: istiod on the API tier,
   * started at the first istio trial and stopped by close(); needs the netns layout and Envoy.
   */
  control?: LocalControl;
  /** Whether a mesh of the run is `istio` (default true): only then does `control: istiod` start or check anything. */
  istio?: boolean;
  /**
   * Whether any mesh of the run has sidecars (default true). A run without (none, istio-ambient)
   * needs no proxy installed, and its environment names none.
   */
  sidecars?: boolean;
  /** The Envoy to run; found by create() (envoy/binary.ts) when not given. */
  envoy?: EnvoyBinary;
  /**
   * The bundled engine's source: with `load`, every layout runs it as a process of its own
   * (process-loader.ts). Without `load` the loopback layout loads from this process.
   */
  loaderSource?: string;
  /** Loopback: the load runs in this process all the same (autocannon, which the loader process does not carry). */
  loadInProcess?: boolean;
}

export class LocalPlatform implements Platform {
  readonly name = 'local';
  readonly workDir: string;
  readonly proxyVersion: string;
  readonly components: Readonly<Record<string, string>>;
  readonly layout: LocalLayout;
  readonly layoutReason: string | undefined;
  /** The proxy beside each meshed pod; null when the run has no mesh with sidecars. */
  readonly sidecar: LocalSidecar | null;
  private readonly envoy: EnvoyBinary | null;
  private readonly options: LocalPlatformOptions;
  private readonly processes = new Map<Deployment, Watched>();
  private readonly loaders = new Map<Deployment, PodLoader>();
  private loaderEntry: Promise<string> | undefined;
  private readonly netnsTrials = new Map<Deployment, NetnsTrial>();
  private certificates: Promise<MeshCertificates> | undefined;
  private workloadTls: Promise<WorkloadCertificates> | undefined;
  /** `control: istiod`: Istio's binaries (checked by create()) and the control plane, once started. */
  private readonly istioBinaries: IstioBinaries | null;
  private istiod: Promise<IstiodControlPlane> | undefined;
  /** The working folder holds private keys: removed even on a forced exit, where close() never runs. */
  private readonly removeWorkDirOnExit = () => removeTreeSync(this.workDir);

  private constructor(options: LocalPlatformOptions, workDir: string, proxy: SidecarProxy | null, istio: IstioBinaries | null) {
    this.options = options;
    this.workDir = workDir;
    this.proxyVersion = proxy?.version ?? '';
    this.sidecar = proxy?.sidecar ?? null;
    this.envoy = proxy?.envoy ?? null;
    // Which proxy ran is part of the environment: results of the two do not compare.
    const proxyComponents: Record<string, string> = !proxy ? {} : proxy.envoy ? { sidecar: 'envoy', envoy: proxy.envoy.build } : { sidecar: 'haproxy', haproxy: proxy.version };
    this.istioBinaries = istio;
    this.components = { ...proxyComponents, ...(istio ? istiodComponents(istio.version) : {}), ...options.components };
    this.layout = options.layout ?? 'loopback';
    this.layoutReason = options.layoutReason;
    process.on('exit', this.removeWorkDirOnExit);
  }

  /**
   * Fails with install advice when the sidecar proxy (Envoy, or HAProxy when asked for) is missing,
   * and with a clear error when no loopback port can be had (the local port range is used up),
   * before anything is started.
   */
  static async create(options: LocalPlatformOptions): Promise<LocalPlatform> {
    const proxy = options.sidecars === false ? null : await sidecarProxy(options.sidecar ?? 'envoy', options.envoy);
    // Checked before anything starts: a run that cannot get a port would fail every trial.
    await freeLoopbackPort().catch((e: RunError) => {
      throw new PreflightError({ what: e.what, where: e.where ?? 'local platform', fix: e.fix ?? '', cause: e });
    });
    const istio = await istiodPreflight(options, proxy);
    const workDir = await ownedWorkDir(options.runId);
    return new LocalPlatform(options, workDir, proxy, istio);
  }

  async deploy(req: DeployRequest, signal: AbortSignal): Promise<Deployment> {
    const readyMs = this.options.readyTimeoutMs ?? 10_000;
    const started: ManagedProcess[] = [];
    try {
      if (!req.mesh.localProfile) {
        throw new RunError({ what: `${req.mesh.name} has no local emulation`, where: 'local platform', fix: 'remove it from meshes, or render it for Kubernetes with `bench render`' });
      }
      const profile = req.mesh.localProfile({ cpuCount: this.options.cpuCount });
      if (this.layout === 'netns') {
        const t = await deployNetns(req, profile, this.netnsContext(readyMs), signal);
        this.netnsTrials.set(t.deployment, t);
        return t.deployment;
      }
      if (needsNetnsLayout(profile)) {
        throw new RunError({ what: `${req.mesh.name} runs only with pods as network namespaces, and this run uses the loopback layout`, where: 'local platform', fix: 'run as root (or with CAP_NET_ADMIN and CAP_SYS_ADMIN) without `local.layout: loopback`' });
      }
      const protocol: Protocol = req.workload.protocol ?? 'http1';
      const tls = speaksTls(protocol) ? await this.workloadCertificates() : undefined;
      const { process: workload, port: workloadPort } = await startWorkload(req.workload, this.options.runId, readyMs, signal, undefined, tls);
      started.push(workload);
      const containers: Deployment['containers'] = [{ kind: 'process', pod: 'workload', container: 'app', role: 'app', pid: workload.pid }];
      let targetPort = workloadPort;

      let checks: LoadChecks | undefined;
      if (profile.sidecars && this.envoy && profile.envoy) {
        const certs = profile.mtls ? await this.meshCertificates() : null;
        const envoy = await EnvoySidecars.start({
          envoyPath: this.envoy.path,
          defaults: profile.envoy,
          certs,
          layout: { kind: 'loopback', appPort: workloadPort },
          dir: this.workDir,
          tag: `t${req.trial.index}`,
          container: envoyContainer(req.mesh),
          readyTimeoutMs: readyMs,
          signal,
          protocol,
        });
        started.push(...envoy.processes);
        containers.push(...envoy.containers().map((c) => ({ kind: 'process' as const, ...c })));
        targetPort = Number(envoy.loopbackTarget.port);
        let before: Awaited<ReturnType<EnvoySidecars['traffic']>> | undefined;
        checks = { before: async () => void (before = await envoy.traffic()), after: async () => envoy.requireCrossed(before!) };
      } else if (profile.sidecars) {
        if (this.sidecar !== 'haproxy') throw new Error(`LocalPlatform: ${req.mesh.name} has sidecars, and the platform was created without a sidecar proxy (options.sidecars)`);
        const certs = profile.mtls ? await this.meshCertificates() : null;
        const [inboundPort, outboundPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
        const base = { threads: profile.proxyThreads, requestTimeoutMs: this.options.requestTimeoutMs, protocol };
        const tag = `t${req.trial.index}`;
        const inbound = await startHaproxy(`sidecar-inbound-${tag}`, this.workDir, inboundSidecarConfig({ ...base, listenPort: inboundPort, upstreamPort: workloadPort }, certs));
        started.push(inbound);
        const outbound = await startHaproxy(`sidecar-outbound-${tag}`, this.workDir, outboundSidecarConfig({ ...base, listenPort: outboundPort, upstreamPort: inboundPort }, certs));
        started.push(outbound);
        await Promise.all([waitForPort(inboundPort, inbound, readyMs, signal), waitForPort(outboundPort, outbound, readyMs, signal)]);
        containers.push(
          { kind: 'process', pod: 'workload', container: 'sidecar-inbound', role: 'sidecar', pid: inbound.pid },
          { kind: 'process', pod: 'loadgen', container: 'sidecar-outbound', role: 'sidecar', pid: outbound.pid },
        );
        targetPort = outboundPort;
      }
      const targetUrl = workloadTarget(protocol, '127.0.0.1', targetPort);
      const loader = await this.ownLoader(req, targetUrl, containers, tls);
      if (!loader) containers.push({ kind: 'process', pod: 'loadgen', container: 'loadgen', role: 'loadgen', pid: process.pid });

      if (protocol === 'http1') await waitForHealthy(new URL(`http://127.0.0.1:${targetPort}${HEALTH_PATH}`), readyMs, signal);
      else await waitForProbe(targetUrl, req.workload.payloadBytes, readyMs, signal, tls?.trust);
      const lost = new AbortController();
      const deployment: Deployment = {
        load: loader ? { where: 'remote', targetUrl, run: loader.run, ...(checks && { checks }) } : { where: 'in-process', targetUrl, ...(tls && { trust: tls.trust }), ...(checks && { checks }) },
        meshLabel: this.label(req.mesh, profile),
        containers,
        lost: lost.signal,
      };
      const watched: Watched = { started, tearingDown: false };
      this.processes.set(deployment, watched);
      if (loader) this.loaders.set(deployment, loader);
      for (const p of started) void p.exited.then((code) => {
        // An exit during teardown is the one we asked for.
        if (watched.tearingDown || lost.signal.aborted) return;
        const tail = p.stderrTail().split('\n').slice(-3).join(' | ');
        lost.abort(new RunError({ what: `${p.name} ${describeExit(code)}`, where: p.name, fix: `${tail ? `its last output: ${tail}; ` : ''}a kill by another process, or an OOM kill (see \`dmesg\`), ends a process this way` }));
      });
      return deployment;
    } catch (error) {
      await stopAll(started);
      throw error;
    }
  }

  async teardown(d: Deployment): Promise<void> {
    const trial = this.netnsTrials.get(d);
    if (trial) {
      this.netnsTrials.delete(d);
      await trial.teardown();
    }
    const loader = this.loaders.get(d);
    this.loaders.delete(d);
    await loader?.stop();
    const watched = this.processes.get(d);
    this.processes.delete(d);
    if (!watched) return;
    watched.tearingDown = true;
    await stopAll(watched.started);
  }

  async close(): Promise<void> {
    await Promise.all([...this.processes.keys(), ...this.netnsTrials.keys()].map((d) => this.teardown(d)));
    // A start that failed stopped what it had started already.
    await this.istiod?.then((cp) => cp.stop(), () => {});
    await rm(this.workDir, { recursive: true, force: true });
    process.off('exit', this.removeWorkDirOnExit);
  }

  private netnsContext(readyTimeoutMs: number): NetnsDeployContext {
    const { runId, requestTimeoutMs, load, ztunnelPath } = this.options;
    if (!load) throw new Error('LocalPlatform: the netns layout needs the scenario\'s load settings (options.load)');
    return { runId, workDir: this.workDir, readyTimeoutMs, requestTimeoutMs, load, ztunnelPath: ztunnelPath ?? null, envoy: this.envoy, meshCertificates: () => this.meshCertificates(), workloadCertificates: () => this.workloadCertificates(), label: (mesh, p) => this.label(mesh, p), loaderEntry: () => this.bundledEntry(), istiod: this.istioBinaries ? () => this.istiodControlPlane(readyTimeoutMs) : null };
  }

  /** The run's istiod once a trial started it (`control: istiod`), for diagnostics: its sync status, its log. */
  get istiodControl(): Promise<IstiodControlPlane> | undefined {
    return this.istiod;
  }

  /** istiod and its API tier, started once for the run (by its first istio trial). */
  private istiodControlPlane(readyTimeoutMs: number): Promise<{ cp: IstiodControlPlane; binaries: IstioBinaries }> {
    const binaries = this.istioBinaries;
    if (!binaries) throw new Error('LocalPlatform: istiod asked for without control: istiod');
    // The tier and istiod take tens of seconds on a busy machine: more than one pod's readiness.
    this.istiod ??= IstiodControlPlane.start({ binaries, workDir: this.workDir, readyTimeoutMs: Math.max(readyTimeoutMs, 60_000), signal: AbortSignal.timeout(180_000) });
    return this.istiod.then((cp) => ({ cp, binaries }));
  }

  /** "istio (local: Envoy 1.40 sidecars with Istio's defaults, mTLS)", or the HAProxy emulation's name. */
  private label(mesh: MeshAdapter, profile: LocalMeshProfile): string {
    if (this.istioBinaries && this.envoy && mesh.name === 'istio' && profile.envoy) return istiodLabel(this.istioBinaries.version, this.proxyVersion, profile.mtls);
    return localEmulationLabel(mesh, profile, this.proxyVersion, this.envoy && profile.envoy ? 'envoy' : 'haproxy');
  }

  /** The loopback layout's loader as a process of its own, when the run gave its load settings. */
  private async ownLoader(req: DeployRequest, target: URL, containers: Deployment['containers'], tls: WorkloadCertificates | undefined): Promise<PodLoader | null> {
    const { load, runId, loadInProcess } = this.options;
    if (!load || loadInProcess) return null;
    const { level } = req.trial;
    const settingsFile = join(this.workDir, `load-t${req.trial.index}.json`);
    return loopbackLoader({ load: tls ? { ...load, trust: tls.trust } : load, target, connections: level.connections, targetRps: level.targetRps, entry: await this.bundledEntry(), settingsFile, runId, containers });
  }

  private async bundledEntry(): Promise<string | undefined> {
    const source = this.options.loaderSource;
    if (source === undefined) return undefined;
    this.loaderEntry ??= writeLoaderEntry(this.workDir, source);
    return this.loaderEntry;
  }

  private meshCertificates(): Promise<MeshCertificates> {
    this.certificates ??= createMeshCertificates(this.workDir);
    return this.certificates;
  }

  /** The CA and certificate of an `https` or `h2` workload, made once per run. */
  private workloadCertificates(): Promise<WorkloadCertificates> {
    this.workloadTls ??= createWorkloadCertificates(this.workDir);
    return this.workloadTls;
  }
}

interface Watched {
  started: ManagedProcess[];
  tearingDown: boolean;
}

/** Stops in reverse start order: the loader-side proxy first, the workload last. */
async function stopAll(started: readonly ManagedProcess[]): Promise<void> {
  for (const p of [...started].reverse()) await p.stop();
}
