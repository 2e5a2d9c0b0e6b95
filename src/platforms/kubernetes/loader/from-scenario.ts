/**
 * The engine Job of one trial from the resolved scenario: the level's rate and connections, the
 * workload's URL, the placement (node selectors, anti-affinity), the mesh's pod overlay and how
 * its proxy ends. Pure, like render.ts, so `bench render` shows exactly what a run applies.
 */
import type { KubernetesObject, KubernetesOverlay } from '../../../meshes/kubernetes.ts';
import { injected } from '../../../meshes/kubernetes.ts';
import type { LoadLevel } from '../../../scenario/plan.ts';
import { protocolOf, type ResolvedScenario } from '../../../scenario/resolve.ts';
import { speaksTls, targetUrl, type WorkloadTrust } from '../../../workload/protocol.ts';
import { WORKLOAD_TLS_NAME } from '../../workload-tls.ts';
import { LOADGEN, OWNER_LABELS, WORKLOAD, workloadPath } from '../workload.ts';
import { DEFAULT_LOADER_IMAGE, loaderConfigMap, loaderJob, type LoaderJobRequest, type LoaderSettings } from './job.ts';
import type { LoaderRunRequest } from './runner.ts';
import { loaderTermination, type LoaderTermination } from './termination.ts';

export interface LoaderTrial {
  namespace: string;
  runId: string;
  level: LoadLevel;
  overlay: KubernetesOverlay;
  /** `load.pods` (default 1). */
  pods: number;
  /** `kubernetes.images.loader` (default node:24-alpine). */
  image?: string | undefined;
  /** The injector makes native sidecars (checkDataPlane's `nativeSidecars`, or preflight's verdict). */
  nativeSidecars: boolean;
  /** An `https`/`h2` workload: the run's CA the loader trusts (absent: a placeholder, as `bench render` shows it). */
  trust?: WorkloadTrust;
}

/** What `bench render` shows in place of the run's CA, which a run makes when it starts. */
export const ELIDED_TRUST: WorkloadTrust = { caPem: '-----BEGIN CERTIFICATE-----\n(the run\'s workload CA: made when `bench run` starts)\n-----END CERTIFICATE-----\n', serverName: WORKLOAD_TLS_NAME };

export const loaderJobName = (level: LoadLevel): string => `${LOADGEN.name}-${level.id}`;

/** The workload's Service as the loader reaches it, in the scenario's protocol (HTTP: Fortio's echo path). */
export function loaderTarget(s: ResolvedScenario, namespace: string): string {
  const protocol = protocolOf(s);
  const base = targetUrl(protocol, `${WORKLOAD.name}.${namespace}.svc.${s.kubernetes.clusterDomain ?? 'cluster.local'}`, WORKLOAD.port);
  return protocol === 'grpc' || protocol === 'tcp' ? base.href : new URL(workloadPath(s), base).href;
}

export function loaderSettings(s: ResolvedScenario, t: LoaderTrial, termination: LoaderTermination): LoaderSettings {
  return {
    mode: s.load.mode,
    target: loaderTarget(s, t.namespace),
    ...(t.level.targetRps !== null ? { rateRps: t.level.targetRps } : {}),
    connections: t.level.connections,
    warmupMs: s.load.warmupMs,
    durationMs: s.load.durationMs,
    timeoutMs: s.load.timeoutMs,
    jitter: s.load.jitter,
    lagLimitUs: s.load.schedulerLagLimitUs,
    pods: t.pods,
    ...(s.load.streamsPerConnection ? { streamsPerConnection: s.load.streamsPerConnection } : {}),
    ...(protocolOf(s) === 'tcp' ? { messageBytes: s.workload.payloadBytes } : {}),
    ...(speaksTls(protocolOf(s)) ? { trust: t.trust ?? ELIDED_TRUST } : {}),
    ...(termination.quitUrl ? { quitUrl: termination.quitUrl } : {}),
  };
}

export function loaderRequest(s: ResolvedScenario, t: LoaderTrial): { request: LoaderRunRequest; termination: LoaderTermination } {
  const termination = loaderTermination(t.overlay.jobTermination, { loadgenInjected: injected(s.kubernetes.placement).loadgen, nativeSidecars: t.nativeSidecars });
  return {
    termination,
    request: {
      name: loaderJobName(t.level),
      namespace: t.namespace,
      ownerLabels: OWNER_LABELS(t.runId),
      pod: t.overlay.loadgenPod,
      settings: loaderSettings(s, t, termination),
      image: t.image ?? DEFAULT_LOADER_IMAGE,
      serviceAccountName: LOADGEN.name,
      workloadSelector: { app: WORKLOAD.name },
      nodeSelector: s.kubernetes.loadgenNodeSelector,
    },
  };
}

/**
 * The engine's ConfigMap and Job of one trial, as `bench render` shows them and as the runner
 * applies them. `startEpochMs` is set
 * when the Job is applied; render shows the one it is given.
 */
export function renderLoader(s: ResolvedScenario, t: LoaderTrial, bundle: string, startEpochMs: number): KubernetesObject[] {
  const { request } = loaderRequest(s, t);
  const full: LoaderJobRequest = { ...request, startEpochMs, activeDeadlineSeconds: loaderDeadlineSeconds(s, s.kubernetes.loaderStartLeadMs) };
  return [loaderConfigMap(full, bundle), loaderJob(full)];
}

/** The Job's activeDeadlineSeconds for a start lead: lead, warmup, window, drain, and a minute to exit. */
export function loaderDeadlineSeconds(s: ResolvedScenario, startLeadMs: number): number {
  return Math.ceil((startLeadMs + s.load.warmupMs + s.load.durationMs + s.load.timeoutMs + 60_000) / 1000);
}
