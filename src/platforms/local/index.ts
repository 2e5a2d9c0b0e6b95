/**
 * The embedded local platform: the workload as a child process on loopback and, for a meshed
 * trial, two real HAProxy sidecars in front of it. Everything a trial starts is stopped by
 * teardown(); close() stops what is left and removes the run's working folder.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, MeshbenchError, RunError } from '../../errors.ts';
import { localEmulationLabel } from '../../meshes/index.ts';
import { HEALTH_PATH } from '../../workload/service.ts';
import type { Deployment, DeployRequest, Platform } from '../types.ts';
import { createMeshCertificates, type MeshCertificates } from './certs.ts';
import { haproxyVersion, inboundSidecarConfig, outboundSidecarConfig, startHaproxy } from './haproxy.ts';
import { freeLoopbackPort } from './ports.ts';
import { describeExit, type ManagedProcess } from './processes.ts';
import { waitForHealthy, waitForPort } from './readiness.ts';
import { startWorkload } from './workload-process.ts';

export interface LocalPlatformOptions {
  runId: string;
  cpuCount: number;
  requestTimeoutMs: number;
  /** How long a deployment may take to answer its health check. */
  readyTimeoutMs?: number;
}

export class LocalPlatform implements Platform {
  readonly name = 'local';
  readonly workDir: string;
  readonly proxyVersion: string;
  readonly components: Readonly<Record<string, string>>;
  readonly layout = 'loopback';
  private readonly options: LocalPlatformOptions;
  private readonly processes = new Map<Deployment, Watched>();
  private certificates: Promise<MeshCertificates> | undefined;
  /** The working folder holds private keys: removed even on a forced exit, where close() never runs. */
  private readonly removeWorkDirOnExit = () => rmSync(this.workDir, { recursive: true, force: true });

  private constructor(options: LocalPlatformOptions, workDir: string, proxyVersion: string) {
    this.options = options;
    this.workDir = workDir;
    this.proxyVersion = proxyVersion;
    this.components = { haproxy: proxyVersion };
    process.on('exit', this.removeWorkDirOnExit);
  }

  /**
   * Fails with install advice when HAProxy is missing, and with a clear error when no loopback
   * port can be had (the local port range is used up), before anything is started.
   */
  static async create(options: LocalPlatformOptions): Promise<LocalPlatform> {
    const version = await haproxyVersion();
    // Checked before anything starts: a run that cannot get a port would fail every trial.
    await freeLoopbackPort().catch((e: RunError) => {
      throw new PreflightError({ what: e.what, where: e.where ?? 'local platform', fix: e.fix ?? '', cause: e });
    });
    await removeAbandonedWorkDirs();
    const workDir = await mkdtemp(join(tmpdir(), `meshbench-${options.runId}-`));
    await writeFile(join(workDir, OWNER_FILE), String(process.pid));
    return new LocalPlatform(options, workDir, version);
  }

  async deploy(req: DeployRequest, signal: AbortSignal): Promise<Deployment> {
    const readyMs = this.options.readyTimeoutMs ?? 10_000;
    const started: ManagedProcess[] = [];
    try {
      if (!req.mesh.localProfile) {
        throw new RunError({ what: `${req.mesh.name} has no local emulation`, where: 'local platform', fix: 'remove it from meshes, or render it for Kubernetes with `bench render`' });
      }
      const profile = req.mesh.localProfile({ cpuCount: this.options.cpuCount });
      const { process: workload, port: workloadPort } = await startWorkload(req.workload, this.options.runId, readyMs, signal);
      started.push(workload);
      const containers: Deployment['containers'] = [{ kind: 'process', pod: 'workload', container: 'app', role: 'app', pid: workload.pid }];
      let targetPort = workloadPort;

      if (profile.sidecars) {
        const certs = profile.mtls ? await this.meshCertificates() : null;
        const [inboundPort, outboundPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
        const base = { threads: profile.proxyThreads, requestTimeoutMs: this.options.requestTimeoutMs };
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
      containers.push({ kind: 'process', pod: 'loadgen', container: 'loadgen', role: 'loadgen', pid: process.pid });

      await waitForHealthy(new URL(`http://127.0.0.1:${targetPort}${HEALTH_PATH}`), readyMs, signal);
      const lost = new AbortController();
      const deployment: Deployment = {
        load: { where: 'in-process', targetUrl: new URL(`http://127.0.0.1:${targetPort}/`) },
        meshLabel: localEmulationLabel(req.mesh, profile, this.proxyVersion),
        containers,
        lost: lost.signal,
      };
      const watched: Watched = { started, tearingDown: false };
      this.processes.set(deployment, watched);
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
    const watched = this.processes.get(d);
    this.processes.delete(d);
    if (!watched) return;
    watched.tearingDown = true;
    await stopAll(watched.started);
  }

  async close(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((d) => this.teardown(d)));
    await rm(this.workDir, { recursive: true, force: true });
    process.off('exit', this.removeWorkDirOnExit);
  }

  private meshCertificates(): Promise<MeshCertificates> {
    this.certificates ??= createMeshCertificates(this.workDir);
    return this.certificates;
  }
}

/** What this machine lacks, found before anything started: exit 2, as a scenario error (DESIGN.md "Exit codes"). */
class PreflightError extends MeshbenchError {
  override readonly exitCode = ExitCode.usage;
}

/** In each working folder: the pid of the meshbench that made it. */
const OWNER_FILE = 'owner.pid';

/**
 * Working folders whose meshbench was killed outright (SIGKILL, OOM), where no exit hook ran:
 * they hold private keys, so the next run removes them. A folder whose owner still lives is left.
 */
async function removeAbandonedWorkDirs(): Promise<void> {
  for (const entry of await readdir(tmpdir()).catch(() => [])) {
    if (!entry.startsWith('meshbench-')) continue;
    const dir = join(tmpdir(), entry);
    const owner = Number(await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => ''));
    if (!Number.isInteger(owner) || owner <= 0 || isAlive(owner)) continue;
    await rm(dir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive, but someone else's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
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
