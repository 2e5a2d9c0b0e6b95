/**
 * Platform `kubernetes`: one trial = the rendered objects of one mesh, applied into the run's
 * namespace for that mesh, ready, and checked to really carry the mesh; torn down by the run's
 * label on success, failure and abort. Preflight runs once, before anything is created.
 * The load is remote (platforms/types.ts LoadPlacement): run/ calls `load.run`, which starts
 * meshbench's engine as an Indexed Job in the trial's namespace and hands back its decoded lines.
 */
import { injected, meshAdapter, type KubernetesObject } from '../../meshes/index.ts';
import { RunError } from '../../errors.ts';
import type { Trial } from '../../scenario/plan.ts';
import { protocolOf, type ResolvedScenario } from '../../scenario/resolve.ts';
import { speaksTls, targetUrl as workloadTarget } from '../../workload/protocol.ts';
import { workloadTlsPem, type WorkloadTlsPem } from '../workload-tls.ts';
import { applyObjects } from './apply.ts';
import type { KubeClient } from './client.ts';
import { checkDataPlane, checkLoaderDataPlane } from './data-plane.ts';
import { judgeMtls, mtlsWitnesses, readMtls, telemetryText } from './mtls-proof.ts';
import { componentVersions, readClusterFacts, type ClusterFacts } from './environment.ts';
import type { MeshRequirement } from './mesh-requirements.ts';
import { preflight, type PreflightReport } from './preflight.ts';
import { formatProblem, PreflightError } from './problems.ts';
import { watchPods, type PodWatch } from './pod-watch.ts';
import { waitReady } from './ready.ts';
import { clusterDomainOf, meshOptions, renderTrial, trialNamespace } from './render.ts';
import { LOADGEN, WORKLOAD } from './workload.ts';
import { deleteOwned, findOwned } from './teardown.ts';
import { ImagePins, ranImages } from './images.ts';
import { NodeClocks } from './clock.ts';
import { readClusterDomain } from './cluster-domain.ts';
import { withFoundNamespaces } from './node-proxies.ts';
import { meshPodContainers, trialContainers } from './trial-containers.ts';
import type { KubernetesContainer, LoadPlacement, Platform, RemoteLoadContext, RemoteLoadResult } from '../types.ts';
import { LOADER_CONTAINER, loaderJob } from './loader/job.ts';
import { loaderRequest } from './loader/from-scenario.ts';
import { runInClusterLoad } from './loader/in-cluster-load.ts';
import type { Decoded } from './loader/pod-results.ts';
import { probeLoaderPod } from './loader/probe.ts';
import { DEFAULT_START_LEAD_MS } from './loader/runner.ts';

export type { KubernetesContainer };

export interface KubernetesDeployment {
  meshLabel: string;
  containers: KubernetesContainer[];
  load: Extract<LoadPlacement, { where: 'remote' }>;
  /** Aborts when a pod of the trial goes away, fails or restarts a container before teardown. */
  lost: AbortSignal;
  /** The platform's components plus what this trial's pods showed (proxy images, native sidecars). */
  components: Record<string, string>;
  runId: string;
  mesh: string;
  namespace: string;
}

export type DeployStage = 'apply' | 'ready' | 'verify' | 'teardown';

/** How far apart the load pods may begin their windows: past it, they measured different windows. */
export const MAX_START_SPREAD_MS = 100;

export interface KubernetesPlatformOptions {
  client: KubeClient;
  scenario: ResolvedScenario;
  runId: string;
  declared?: Record<string, MeshRequirement[]>;
  /** Bound on pods becoming ready (default: the scenario's kubernetes.readyTimeout, 5 min). */
  readyTimeoutMs?: number;
  /** Bound on deletion (default: the scenario's kubernetes.teardownTimeout, 3 min). */
  teardownTimeoutMs?: number;
  onStage?: (stage: DeployStage, trial: Trial | null) => void;
  /** How often a deployed trial's pods are checked for Deployment.lost (default 2 s). */
  podWatchIntervalMs?: number;
  signal?: AbortSignal;
  /** The engine bundle (src/load/bundle.ts output) the load Job runs; built once per run by run/. */
  bundle?: string;
  /** How often the load Job's pods are polled (default 1 s). */
  loaderPollMs?: number;
}

export class KubernetesPlatform implements Platform {
  readonly name = 'kubernetes';
  readonly layout = 'cluster';
  readonly layoutReason = 'platform kubernetes: pods on the cluster\'s nodes';
  readonly preflight: PreflightReport;
  readonly cluster: ClusterFacts;
  private readonly o: KubernetesPlatformOptions;
  /** Proxy images and native-sidecar use seen in the trials' pods so far. */
  private readonly watches = new Map<string, PodWatch>();
  private readonly seen: { proxyImages: Record<string, string>; nativeSidecars: boolean | null; images: Record<string, string>; mtls: Record<string, string> } = { proxyImages: {}, nativeSidecars: null, images: {}, mtls: {} };
  /** Each node's clock against this process's, measured once per run when a trial first uses the node. */
  private readonly clocks: NodeClocks;
  /** Images named by tag, pinned to the digest the first trial pulled. */
  private readonly pins = new ImagePins();
  /** The widest spread of the load pods' window starts so far, ms. */
  private startSpreadMs: number | null = null;
  /** An `https`/`h2` workload's certificate and the CA its loaders trust: made once, at the first trial. */
  private workloadTls: Promise<WorkloadTlsPem> | undefined;

  /** For the run's environment: cluster, provider, nodes, mesh control planes, the proxies seen in pods, and the images that ran (with their digests). */
  get components(): Readonly<Record<string, string>> {
    return {
      ...componentVersions(this.cluster, this.preflight.components, this.seen.proxyImages, this.seen.nativeSidecars),
      ...this.seen.images,
      ...this.pins.components(),
      ...this.seen.mtls,
      ...this.clocks.components(),
      ...(this.startSpreadMs === null ? {} : { "load pods' window start spread (widest)": `${this.startSpreadMs} ms` }),
    };
  }

  private constructor(o: KubernetesPlatformOptions, report: PreflightReport, cluster: ClusterFacts) {
    this.o = o;
    this.preflight = report;
    this.cluster = cluster;
    this.clocks = new NodeClocks(o.client);
  }

  /** Preflight, then a platform ready to deploy; PreflightError (exit 2) when the cluster is not ready, with nothing created. */
  static async create(o: KubernetesPlatformOptions): Promise<KubernetesPlatform> {
    const report = await preflight({ client: o.client, scenario: o.scenario, runId: o.runId, ...(o.declared ? { declared: o.declared } : {}), ...(o.signal ? { signal: o.signal } : {}) });
    if (report.problems.length > 0) throw new PreflightError(report.problems);
    // Every trial renders the workload's address with the cluster's own domain.
    const domain = await readClusterDomain(o.client, o.scenario.kubernetes.clusterDomain, o.signal);
    report.components['cluster domain'] = `${domain.domain} (from ${domain.source})`;
    const scenario = { ...o.scenario, kubernetes: { ...o.scenario.kubernetes, clusterDomain: domain.domain } };
    return new KubernetesPlatform({ ...o, scenario }, report, await readClusterFacts(o.client, o.signal));
  }

  /** The scenario with its images as pinned so far. */
  private get scenario(): ResolvedScenario {
    const s = this.o.scenario;
    return { ...s, kubernetes: { ...s.kubernetes, images: { workload: this.pins.of(s.kubernetes.images.workload), loader: this.pins.of(s.kubernetes.images.loader) } } };
  }

  async deploy(req: { trial: Trial }, signal: AbortSignal): Promise<KubernetesDeployment> {
    const { client, runId } = this.o;
    const s = this.scenario;
    const mesh = req.trial.mesh;
    const namespace = trialNamespace(s, mesh, runId);
    const tls = speaksTls(protocolOf(s)) ? await (this.workloadTls ??= workloadTlsPem()) : undefined;
    const objects = renderTrial(s, mesh, runId, req.trial.level, tls ? { workloadTls: tls } : {});
    // The engine's ConfigMap and Job are applied at load time, with the real bundle and start.
    const loader = new Set(['ConfigMap', 'Job']);
    try {
      this.o.onStage?.('apply', req.trial);
      await applyObjects(client, objects.filter((o) => !(loader.has(o.kind) && o.metadata.labels?.app === LOADGEN.name)), { signal });
      this.o.onStage?.('ready', req.trial);
      const pods = await waitReady(client, namespace, { timeoutMs: this.o.readyTimeoutMs ?? s.kubernetes.readyTimeoutMs, signal });
      this.o.onStage?.('verify', req.trial);
      // The mesh's own pods (ztunnel) where preflight found them, which need not be the usual namespace.
      const overlay = withFoundNamespaces(meshAdapter(s, mesh).kubernetesOverlay(meshOptions(s, namespace, runId)), this.preflight.foundIn);
      const dataPlane = checkDataPlane({ mesh, namespace, overlay, placement: s.kubernetes.placement, pods });
      if (dataPlane.problems.length > 0) {
        throw new RunError({ what: `mesh ${mesh} is not in the trial's pods:\n${dataPlane.problems.map(formatProblem).join('\n')}`, where: `namespace ${namespace}`, fix: dataPlane.problems[0]!.fix });
      }
      const containers = [...trialContainers(pods, overlay.dataPlaneContainers), ...(await meshPodContainers(client, overlay, pods, signal))];
      await this.clocks.check(pods.map((p) => p.spec.nodeName ?? ''), signal);
      const watch = watchPods(client, namespace, pods, this.o.podWatchIntervalMs === undefined ? {} : { intervalMs: this.o.podWatchIntervalMs });
      this.watches.set(namespace, watch);
      const native = overlay.dataPlaneContainers.length > 0 && injected(s.kubernetes.placement).workload ? dataPlane.nativeSidecars : null;
      Object.assign(this.seen.proxyImages, dataPlane.proxyImages);
      Object.assign(this.seen.images, ranImages(WORKLOAD.name, pods));
      this.pins.learn(pods, ['app'], req.trial.index + 1);
      if (native !== null) this.seen.nativeSidecars = (this.seen.nativeSidecars ?? false) || native;
      const targetUrl = workloadTarget(protocolOf(s), `${WORKLOAD.name}.${namespace}.svc.${clusterDomainOf(s)}`, WORKLOAD.port);
      const load = <O>(ctx: RemoteLoadContext<O>) => this.runLoad(ctx, { trial: req.trial, namespace, overlay, known: containers });
      return {
        meshLabel: `${mesh} (Kubernetes ${this.cluster.kubernetesVersion ?? ''}, ${this.cluster.simulated ? 'simulated kwok nodes: no traffic flows' : this.cluster.provider})`,
        containers,
        load: { where: 'remote', targetUrl, run: load },
        components: componentVersions(this.cluster, this.preflight.components, dataPlane.proxyImages, native),
        lost: watch.lost,
        runId,
        mesh,
        namespace,
      };
    } catch (e) {
      // Whatever failed or was aborted, nothing of this trial stays behind; a teardown that fails
      // too must not hide why the trial failed.
      try {
        await this.teardownTrial(mesh);
      } catch (t) {
        throw new RunError({ what: `${e instanceof Error ? e.message : String(e)}\nand the teardown after it failed too: ${t instanceof Error ? t.message : String(t)}`, where: `namespace ${namespace}`, fix: `bench cleanup --run ${runId}`, cause: e });
      }
      throw e;
    }
  }

  /**
   * One trial's load: what the injector will do to a loader pod (a dry-run probe, only when the
   * mesh injects it), then the engine Job, its pods watched with the trial's, and its result lines
   * decoded and merged by load/ through `ctx` (this layer never parses a LoadOutcome).
   */
  private async runLoad<O>(ctx: RemoteLoadContext<O>, t: { trial: Trial; namespace: string; overlay: KubernetesOverlayOf; known: KubernetesContainer[] }): Promise<RemoteLoadResult<O>> {
    const { client, runId } = this.o;
    const s = this.scenario;
    if (!this.o.bundle) throw new RunError({ what: 'the load engine bundle was not given to the Kubernetes platform', where: 'KubernetesPlatform.create', fix: 'a meshbench bug: please report it' });
    const tls = this.workloadTls ? await this.workloadTls : undefined;
    const base = { namespace: t.namespace, runId, level: t.trial.level, overlay: t.overlay, pods: s.load.pods, image: s.kubernetes.images.loader, ...(tls && { trust: tls.trust }) };
    let nativeSidecars = this.preflight.nativeSidecars[t.trial.mesh] ?? false;
    if (t.overlay.dataPlaneContainers.length > 0 && injected(s.kubernetes.placement).loadgen) {
      const { request } = loaderRequest(s, { ...base, nativeSidecars });
      const probe = await probeLoaderPod(client, loaderJob({ ...request, startEpochMs: Date.now(), activeDeadlineSeconds: 60 }), t.overlay.dataPlaneContainers, ctx.signal);
      nativeSidecars = probe.nativeSidecars;
    }
    const { request } = loaderRequest(s, { ...base, nativeSidecars });
    // Mutual TLS is proven from the proxies' own counters over the trial, not taken from the policy.
    // (kwok's simulated nodes carry no traffic and run no proxy to ask.)
    const witnesses = s.kubernetes.mtls && !this.cluster.simulated ? mtlsWitnesses(t.trial.mesh, t.known) : [];
    const mtlsBefore = witnesses.length > 0 ? (await readMtls(client, witnesses, ctx.signal)).counts : new Map<string, number>();
    const load = await runInClusterLoad<O>(client, {
      request,
      bundle: this.o.bundle,
      startLeadMs: s.kubernetes.loaderStartLeadMs ?? DEFAULT_START_LEAD_MS,
      ...(this.o.loaderPollMs === undefined ? {} : { pollMs: this.o.loaderPollMs }),
      signal: ctx.signal,
      overlay: t.overlay,
      known: t.known,
      // The load stage begins once the Job's pods are placed: a failure from here on is the load's, not the deploy's.
      watch: (containers) => {
        const onPhase = ctx.watch(containers);
        onPhase('warmup');
        return onPhase;
      },
      decode: (line) => ({ outcome: ctx.decode(line), line: shareAndWindow(line) }),
      merge: ctx.merge,
    });
    Object.assign(this.seen.images, ranImages(LOADGEN.name, load.run.ended));
    this.pins.learn(load.run.ended, [LOADER_CONTAINER], t.trial.index + 1);
    await this.clocks.check(load.results.perPod.map((p) => p.node), ctx.signal);
    // The pods' windows are merged as one: pods that began apart measured different windows.
    this.startSpreadMs = Math.max(this.startSpreadMs ?? 0, load.results.startSpreadMs);
    if (load.results.startSpreadMs > MAX_START_SPREAD_MS) {
      throw new RunError({
        what: `the ${load.results.perPod.length} load pods began their windows ${load.results.startSpreadMs} ms apart (more than ${MAX_START_SPREAD_MS} ms): their results are not of one window`,
        where: `the load Job in namespace ${t.namespace}`,
        fix: 'synchronise the nodes\' clocks (chrony or NTP), and give the pods more start lead on a busy cluster (kubernetes.loaderStartLead)',
      });
    }
    // With placement both, the loader must have carried the mesh too: a declined injection (or an
    // ambient enrolment that did not happen) would otherwise be measured as server-only.
    checkLoaderDataPlane({ mesh: t.trial.mesh, namespace: t.namespace, overlay: t.overlay, placement: s.kubernetes.placement }, load.run.ended);
    if (witnesses.length > 0) {
      const after = await readMtls(client, witnesses, ctx.signal);
      const mtls = judgeMtls(t.trial.mesh, mtlsBefore, after);
      if (!mtls.proven) {
        throw new RunError({ what: `mesh ${t.trial.mesh} did not carry the trial over mutual TLS: ${mtls.text}`, where: `namespace ${t.namespace}`, fix: 'check the PeerAuthentication and DestinationRules that apply (istioctl x describe pod POD -n NAMESPACE), or set kubernetes.mtls: false to measure without it' });
      }
      this.seen.mtls[`mutual TLS, ${t.trial.mesh} ${t.trial.level.id}`] = mtls.text;
      if (after.istioTelemetry !== null) this.seen.mtls['istio telemetry (sidecar stats)'] = telemetryText(after.istioTelemetry);
    }
    return { merged: load.results.merged, perLoader: load.results.perPod.map((p) => p.outcome) };
  }

  async teardown(d: KubernetesDeployment): Promise<void> {
    await this.teardownTrial(d.mesh);
  }

  /** Everything of this run, whatever trial it came from. Idempotent. */
  async close(): Promise<void> {
    for (const w of this.watches.values()) w.stop();
    this.watches.clear();
    const kinds = await this.renderedClusterKinds();
    const owned = await findOwned(this.o.client, { runId: this.o.runId, kinds });
    await this.deleteOrFail(owned);
  }

  /** The trial's namespace and the cluster-scoped objects its mesh renders, found by the run's label. */
  private async teardownTrial(mesh: string): Promise<void> {
    this.o.onStage?.('teardown', null);
    // Deleting the pods is not losing them.
    const namespace = trialNamespace(this.o.scenario, mesh, this.o.runId);
    this.watches.get(namespace)?.stop();
    this.watches.delete(namespace);
    const mine = new Set(renderTrial(this.o.scenario, mesh, this.o.runId).filter((o) => !o.metadata.namespace).map((o) => `${o.kind}/${o.metadata.name}`));
    const kinds = await this.renderedClusterKinds();
    const owned = (await findOwned(this.o.client, { runId: this.o.runId, kinds })).filter((x) => mine.has(`${x.kind}/${x.name}`));
    await this.deleteOrFail(owned);
  }

  private async deleteOrFail(owned: Awaited<ReturnType<typeof findOwned>>): Promise<void> {
    const { remaining } = await deleteOwned(this.o.client, owned, { timeoutMs: this.o.teardownTimeoutMs ?? this.o.scenario.kubernetes.teardownTimeoutMs });
    if (remaining.length > 0) {
      throw new RunError({
        what: `teardown left ${remaining.map((r) => `${r.kind}/${r.name}`).join(', ')} after ${Math.round((this.o.teardownTimeoutMs ?? this.o.scenario.kubernetes.teardownTimeoutMs) / 1000)} s`,
        where: `run ${this.o.runId}`,
        fix: `see what holds them (kubectl get namespace NAME -o yaml: finalizers, conditions), then \`bench cleanup --run ${this.o.runId}\``,
      });
    }
  }

  /** Cluster-scoped kinds this run renders (App Mesh's Mesh, a custom mesh's), resolved by discovery. */
  private async renderedClusterKinds() {
    const seen = new Map<string, KubernetesObject>();
    for (const mesh of this.o.scenario.meshes) {
      for (const o of renderTrial(this.o.scenario, mesh, this.o.runId)) if (!o.metadata.namespace && o.kind !== 'Namespace') seen.set(`${o.apiVersion}/${o.kind}`, o);
    }
    const kinds = [];
    for (const o of seen.values()) {
      const r = await this.o.client.resourceFor(o.apiVersion, o.kind);
      if (r) kinds.push(r);
    }
    return kinds;
  }
}

type KubernetesOverlayOf = ReturnType<ReturnType<typeof meshAdapter>['kubernetesOverlay']>;

/**
 * Which share of the distributed run a result line is, and its window: the two fields the Job's
 * shape is checked with (pod-results.ts). The outcome itself is load/'s to decode (ctx.decode).
 */
function shareAndWindow(line: string): Decoded<unknown>['line'] {
  const l = JSON.parse(line) as Partial<Decoded<unknown>['line']>;
  if (!l.share || !l.window) throw new Error('the result line names no share or window');
  return { share: l.share, window: l.window };
}
