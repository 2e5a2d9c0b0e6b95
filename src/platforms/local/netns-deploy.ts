/**
 * One trial in the netns layout: pods as network namespaces on two nodes (netns/plan.ts), the
 * workload pod on node B, the loader pod on node A, so every mesh crosses the same node-to-node
 * link. The loader dials the workload pod's own address; what is in between is the mesh's:
 *   none:          nothing;
 *   sidecars:      an Envoy in each pod with the mesh's defaults (envoy/sidecars.ts), or HAProxy with
 *                  `sidecar: haproxy`, the traffic captured by iptables as istio-init does (capture.ts);
 *                  with Envoy the trial fails unless its own counters show the load crossing both;
 *   istio-ambient: the real ztunnel on each node (ztunnel/ambient.ts), and the trial fails unless
 *                  the ztunnels' own counters show the loader's connections crossing both over mTLS.
 * Everything runs inside the trial's own topology, so teardown ends processes by pid and then
 * deletes the namespaces, which takes their veths, routes and iptables rules with them.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RunError } from '../../errors.ts';
import type { LocalMeshProfile } from '../../meshes/types.ts';
import { HEALTH_PATH } from '../../workload/service.ts';
import type { DeployRequest, Deployment, WatchedContainer } from '../types.ts';
import type { MeshCertificates } from './certs.ts';
import type { WorkloadCertificates } from '../workload-tls.ts';
import { inboundSidecarConfig, outboundSidecarConfig, startHaproxy } from './haproxy.ts';
import { guardNetns, type NetnsGuard } from './netns/guard.ts';
import { applySidecarCapture, ISTIO_CAPTURE } from './netns/capture.ts';
import type { EnvoyBinary } from './envoy/binary.ts';
import { envoyContainer, EnvoySidecars, type SidecarPod } from './envoy/sidecars.ts';
import type { SidecarTraffic } from './envoy/stats.ts';
import type { LoaderSettings } from '../../loader-settings.ts';
import { podLoad } from './netns/pod-loader.ts';
import { waitForHttpInNetns, waitForProbeInNetns } from './netns/ready.ts';
import { speaksTls, targetUrl as workloadTarget, type Protocol } from '../../workload/protocol.ts';
import { NetnsTopology } from './netns/topology.ts';
import { describeExit, type ManagedProcess } from './processes.ts';
import { startWorkload } from './workload-process.ts';
import { AmbientDataPlane } from './ztunnel/ambient.ts';
import { missingMutualTls, type ZtunnelTraffic } from './ztunnel/metrics.ts';
import type { IstioBinaries } from './istiod/binaries.ts';
import type { IstiodControlPlane } from './istiod/control-plane.ts';
import { IstiodSidecars } from './istiod/sidecars.ts';

/** The app's port inside the workload pod; the namespace is the pod's own, so it is always free. */
export const APP_PORT = 8080;

export interface NetnsDeployContext {
  runId: string;
  /** The run's working folder; each trial gets `t<index>` inside it (keep it short: socket paths). */
  workDir: string;
  readyTimeoutMs: number;
  requestTimeoutMs: number;
  /** The scenario's load, less what each trial sets (target, rate, connections). */
  load: Omit<LoaderSettings, 'target' | 'rateRps' | 'connections'>;
  /** The bundled engine's file, when the run made one (process-loader.ts); else the entry's source runs. */
  loaderEntry?: () => Promise<string | undefined>;
  ztunnelPath: string | null;
  /** The Envoy of the sidecars; null: HAProxy sidecars (`sidecar: haproxy`). */
  envoy: EnvoyBinary | null;
  meshCertificates(): Promise<MeshCertificates>;
  /** The CA and certificate of an `https` or `h2` workload (made once per run). */
  workloadCertificates(): Promise<WorkloadCertificates>;
  /** `local.control: istiod`: the run's istiod (started by the first trial that asks); null: static sidecars. */
  istiod: (() => Promise<{ cp: IstiodControlPlane; binaries: IstioBinaries }>) | null;
  /** The name outputs use for an emulated mesh (localEmulationLabel). */
  label(mesh: DeployRequest['mesh'], profile: LocalMeshProfile): string;
}

export interface NetnsTrial {
  deployment: Deployment;
  /** Idempotent: processes by pid (loader, mesh, workload), then the namespaces. */
  teardown(): Promise<void>;
}

export async function deployNetns(req: DeployRequest, profile: LocalMeshProfile, c: NetnsDeployContext, signal: AbortSignal): Promise<NetnsTrial> {
  const trialDir = join(c.workDir, `t${req.trial.index}`);
  await mkdir(trialDir, { recursive: true });
  const started: ManagedProcess[] = [];
  let ambient: AmbientDataPlane | undefined;
  let envoy: EnvoySidecars | IstiodSidecars | undefined;
  let tearingDown = false;
  let topology: NetnsTopology | undefined;
  let removed: Promise<void> | undefined;
  let stopLoader = async () => {};
  let guard: NetnsGuard | undefined;
  /** The run's istiod, which outlives the trial: its end ends the trial as a sidecar's would, but teardown leaves it. */
  let istiodProcess: ManagedProcess | undefined;
  const teardown = () =>
    (removed ??= (async () => {
      tearingDown = true;
      await stopLoader();
      await ambient?.stop();
      if (envoy instanceof IstiodSidecars) await envoy.stop();
      for (const p of [...started].reverse()) await p.stop();
      await topology?.teardown();
      await guard?.stop();
      await rm(trialDir, { recursive: true, force: true });
    })());
  try {
    topology = await NetnsTopology.create({ runId: c.runId, scope: `t${req.trial.index}`, signal });
    guard = guardNetns(topology.netns);
    const { loadgen, workload } = topology.plan.pods;
    const protocol: Protocol = req.workload.protocol ?? 'http1';
    const tls = speaksTls(protocol) ? await c.workloadCertificates() : undefined;
    const app = await startWorkload(req.workload, c.runId, c.readyTimeoutMs, signal, { netns: workload.netns, port: APP_PORT }, tls);
    started.push(app.process);
    const containers: WatchedContainer[] = [{ kind: 'process', pod: 'workload', container: 'app', role: 'app', pid: app.process.pid }];
    const target = workloadTarget(protocol, workload.ip, APP_PORT);

    if (profile.nodeProxy === 'ztunnel') {
      if (!c.ztunnelPath) throw new RunError({ what: `${req.mesh.name} needs ztunnel, and the platform was set up without it`, where: 'local platform (istio-ambient)', fix: 'this is a meshbench bug: the run\'s set-up looks for ztunnel when a mesh needs it' });
      ambient = await AmbientDataPlane.start({ topology, ztunnelPath: c.ztunnelPath, workDir: trialDir, runId: c.runId, appPort: APP_PORT, workerThreads: profile.proxyThreads, readyTimeoutMs: c.readyTimeoutMs, signal });
      containers.push(...ambient.containers().map((z) => ({ kind: 'process' as const, ...z })));
    } else if (profile.sidecars && c.envoy && profile.envoy && c.istiod && req.mesh.name === 'istio') {
      const { cp, binaries } = await c.istiod();
      istiodProcess = cp.managed;
      const istiod = await IstiodSidecars.start({
        cp,
        binaries,
        envoyPath: c.envoy.path,
        pods: { loadgen, workload },
        appPort: APP_PORT,
        protocol,
        dir: trialDir,
        tag: `t${req.trial.index}`,
        mtls: profile.mtls,
        concurrency: profile.envoy.concurrency ?? profile.proxyThreads,
        // Each agent fetches a certificate from istiod before its Envoy starts (2-3 s idle; a whole
        // trial's deploy took 9 s on this busy 2-core machine): more than a static sidecar needs.
        readyTimeoutMs: Math.max(c.readyTimeoutMs, 30_000),
        signal,
      });
      envoy = istiod;
      const unsynced = await istiod.syncProblem();
      if (unsynced) throw new RunError({ what: `istiod's pushes were not all acked by the sidecars: ${unsynced}`, where: 'local platform (istio, local.control: istiod)', fix: `a rejected (NACKed) config names its cause in the agents' logs under ${trialDir}, and istiod's in ${cp.logFile}` });
      started.push(...istiod.processes);
      containers.push(...istiod.containers().map((e) => ({ kind: 'process' as const, ...e })));
    } else if (profile.sidecars && c.envoy && profile.envoy) {
      const certs = profile.mtls ? await c.meshCertificates() : null;
      const { ports } = profile.envoy;
      const capture = { proxyUid: ports.proxyUid, outboundPort: ports.outbound, inboundPort: ports.inbound, inboundExcludedPorts: ports.inboundExcluded };
      await applySidecarCapture(loadgen.netns, capture);
      await applySidecarCapture(workload.netns, capture);
      envoy = await EnvoySidecars.start({
        envoyPath: c.envoy.path,
        defaults: profile.envoy,
        certs,
        layout: { kind: 'netns', appPort: APP_PORT, pods: { loadgen, workload } },
        dir: trialDir,
        tag: `t${req.trial.index}`,
        container: envoyContainer(req.mesh),
        readyTimeoutMs: c.readyTimeoutMs,
        signal,
        protocol,
      });
      started.push(...envoy.processes);
      containers.push(...envoy.containers().map((e) => ({ kind: 'process' as const, ...e })));
    } else if (profile.sidecars) {
      const certs = profile.mtls ? await c.meshCertificates() : null;
      const base = { threads: profile.proxyThreads, requestTimeoutMs: c.requestTimeoutMs, proxyUid: ISTIO_CAPTURE.proxyUid, protocol };
      await applySidecarCapture(loadgen.netns);
      await applySidecarCapture(workload.netns);
      // Inbound: PREROUTING sends the pod's traffic to :15006 on its own address; it calls the app on loopback.
      // Named as in the loopback layout (sidecar-inbound-t3), so messages and pids read the same in both.
      const tag = `t${req.trial.index}`;
      const inbound = await startHaproxy(`sidecar-inbound-${tag}`, trialDir, inboundSidecarConfig({ ...base, listenHost: '0.0.0.0', listenPort: ISTIO_CAPTURE.inboundPort, upstreamPort: APP_PORT }, certs), workload.netns);
      started.push(inbound);
      // Outbound: OUTPUT sends the loader's connections to 127.0.0.1:15001; it calls the workload pod itself.
      const outbound = await startHaproxy(`sidecar-outbound-${tag}`, trialDir, outboundSidecarConfig({ ...base, listenPort: ISTIO_CAPTURE.outboundPort, upstreamHost: workload.ip, upstreamPort: APP_PORT }, certs), loadgen.netns);
      started.push(outbound);
      containers.push(
        { kind: 'process', pod: 'workload', container: 'sidecar-inbound', role: 'sidecar', pid: inbound.pid },
        { kind: 'process', pod: 'loadgen', container: 'sidecar-outbound', role: 'sidecar', pid: outbound.pid },
      );
    }
    // From the loader pod, through whatever the mesh put in the way.
    if (protocol === 'http1') await waitForHttpInNetns(loadgen.netns, new URL(HEALTH_PATH, target).href, { timeoutMs: c.readyTimeoutMs, signal });
    else await waitForProbeInNetns(loadgen.netns, target.href, req.workload.payloadBytes, { timeoutMs: c.readyTimeoutMs, signal, ...(tls && { trust: { caFile: tls.caFile, serverName: tls.trust.serverName } }) });

    const lost = new AbortController();
    const onLost = (e: RunError) => {
      if (!tearingDown && !lost.signal.aborted) lost.abort(e);
    };
    for (const p of started) {
      void p.exited.then((code) => onLost(new RunError({ what: `${p.name} ${describeExit(code)}`, where: p.name, fix: `its last output: ${p.stderrTail().split('\n').slice(-3).join(' | ') || '(none)'}; a kill by another process, or an OOM kill (see \`dmesg\`), ends a process this way` })));
    }
    ambient?.watchLoss(onLost);
    const cpProcess = istiodProcess;
    if (cpProcess) void cpProcess.exited.then((code) => onLost(new RunError({ what: `istiod ${describeExit(code)}`, where: 'local platform (local.control: istiod)', fix: 'see istiod.log in the run\'s working folder; a kill by another process, or an OOM kill (see `dmesg`), ends a process this way' })));

    const dp = ambient;
    const sidecars = envoy;
    let before: Record<'node-a' | 'node-b', ZtunnelTraffic> | undefined;
    let sidecarsBefore: Record<SidecarPod, SidecarTraffic> | undefined;
    const { level } = req.trial;
    const settings: LoaderSettings = { ...c.load, target: target.href, connections: level.connections, ...(level.targetRps === null ? {} : { rateRps: level.targetRps }), ...(tls && { trust: tls.trust }) };
    const entry = (c.load.workers ?? 1) > 1 ? undefined : await c.loaderEntry?.();
    const loader = podLoad({
      netns: loadgen.netns,
      ...(entry && { entry }),
      settings,
      settingsFile: join(trialDir, 'load.json'),
      runId: c.runId,
      containers,
      ...(dp && {
        before: async () => void (before = await dp.traffic()),
        // At least one mTLS connection each side, not one per loader connection: the engine opens
        // connections as the rate needs them (200 rps used 2 of 4 in a 1 s window), and a bypassed
        // data plane shows none at all.
        after: async () => requireMutualTls(dp, before!, 1),
      }),
      ...(sidecars && {
        before: async () => void (sidecarsBefore = await sidecars.traffic()),
        after: async () => sidecars.requireCrossed(sidecarsBefore!),
      }),
    });
    stopLoader = () => loader.stop();
    const deployment: Deployment = { meshLabel: ambient?.label ?? c.label(req.mesh, profile), load: { where: 'remote', targetUrl: target, run: loader.run }, containers, lost: lost.signal };
    return { deployment, teardown };
  } catch (error) {
    await teardown();
    throw error;
  }
}

/**
 * The evidence that the load crossed both ztunnels with mutual TLS, from their own metrics: without
 * it the trial fails instead of passing off a bypassed data plane as ambient. ztunnel updates its
 * counters as it handles the connections, so a short bounded poll covers a read racing the close.
 */
async function requireMutualTls(dp: AmbientDataPlane, before: Record<'node-a' | 'node-b', ZtunnelTraffic>, minConnections: number): Promise<void> {
  let missing: string | null = null;
  for (let attempt = 0; attempt < 10; attempt++) {
    missing = missingMutualTls(before, await dp.traffic(), minConnections);
    if (missing === null) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new RunError({ what: `the load did not provably cross the ztunnels: ${missing}`, where: 'local platform (istio-ambient)', fix: 'the pods\' redirection rules did not send the loader\'s connections through ztunnel; see the ztunnel logs in the run\'s working folder' });
}
