/**
 * Every object a trial of one mesh needs on Kubernetes, in apply order: the mesh's cluster-scoped
 * objects, the namespace, accounts and RBAC, the mesh's namespaced objects, then the workload and
 * the load engine's ConfigMap and Job. Pure: the same scenario, mesh and run id give the same objects.
 */
import { meshAdapter, type KubernetesMeshOptions, type KubernetesObject } from '../../meshes/index.ts';
import { loadLevels, type LoadLevel } from '../../scenario/plan.ts';
import { protocolOf, type ResolvedScenario } from '../../scenario/resolve.ts';
import { renderLoader } from './loader/from-scenario.ts';
import { BUNDLE_KEY } from './loader/job.ts';
import { LOADGEN, OWNER_LABELS, WORKLOAD, namespace, serviceAccounts, workloadDeployment, workloadService, workloadTlsSecret, type TrialNames } from './workload.ts';
import { speaksTls } from '../../workload/protocol.ts';
import type { WorkloadTlsPem } from '../workload-tls.ts';

export { OWNER_LABELS };

/**
 * What the engine ConfigMap holds in place of the bundle when none is given: the bundle is built
 * from this meshbench's sources when a run starts, and is some 800 KB of minified JavaScript.
 */
export const ELIDED_BUNDLE = `// meshbench load engine bundle (${BUNDLE_KEY}): elided here; \`bench run\` builds it from this meshbench's sources and applies it with the Job\n`;

export interface RenderOptions {
  /** The engine bundle for the ConfigMap; default ELIDED_BUNDLE. */
  bundle?: string;
  /** The Job's common start, set when a run applies it (default 0: not started). */
  startEpochMs?: number;
  /** An `https`/`h2` workload's certificate and the CA the loader trusts, made when a run starts; absent, the render says where they go. */
  workloadTls?: WorkloadTlsPem;
}

/** The domain the workload's address ends in: the scenario's, or the one the platform read from the cluster into it. */
export const clusterDomainOf = (s: ResolvedScenario): string => s.kubernetes.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

export function trialNamespace(s: ResolvedScenario, mesh: string, runId: string): string {
  return `${s.kubernetes.namespacePrefix}-${mesh}-${runId.toLowerCase()}`.slice(0, 63).replace(/-+$/, '');
}

export function meshOptions(s: ResolvedScenario, ns: string, runId: string): KubernetesMeshOptions {
  return { namespace: ns, runId, mtls: s.kubernetes.mtls, placement: s.kubernetes.placement, workload: WORKLOAD, loadgen: LOADGEN, clusterDomain: clusterDomainOf(s), istio: s.kubernetes.istio, appmesh: s.kubernetes.appmesh };
}

/** The first level a run has: a redline search has none until it runs, so its first step (at `min`). */
function firstLevel(s: ResolvedScenario): LoadLevel {
  const first = loadLevels(s)[0];
  if (first) return first;
  const connections = s.load.connections[0]!;
  const rps = s.load.redline!.minRps;
  return { id: `c${connections}-r${rps}`, connections, targetRps: rps };
}

export function renderTrial(s: ResolvedScenario, mesh: string, runId: string, level: LoadLevel = firstLevel(s), o: RenderOptions = {}): KubernetesObject[] {
  const ns = trialNamespace(s, mesh, runId);
  const names: TrialNames = { namespace: ns, ownerLabels: OWNER_LABELS(runId) };
  const overlay = meshAdapter(s, mesh).kubernetesOverlay(meshOptions(s, ns, runId));
  const owned = (o: KubernetesObject): KubernetesObject => ({ ...o, metadata: { ...o.metadata, labels: { ...names.ownerLabels, ...o.metadata.labels } } });
  return [
    ...overlay.clusterObjects.map(owned),
    namespace(names, overlay.namespaceLabels, overlay.namespaceAnnotations),
    ...serviceAccounts(names),
    ...overlay.namespacedObjects.map(owned),
    workloadService(names, protocolOf(s)),
    ...(speaksTls(protocolOf(s)) ? [workloadTlsSecret(names, o.workloadTls)] : []),
    workloadDeployment(s, names, overlay.workloadPod),
    // meshbench's own engine, as the run applies it at load time; a render cannot know whether
    // the injector makes native sidecars, so it shows the quit call the mesh would need without.
    ...renderLoader(s, { namespace: ns, runId, level, overlay, pods: s.load.pods, image: s.kubernetes.images.loader, nativeSidecars: false, ...(o.workloadTls && { trust: o.workloadTls.trust }) }, o.bundle ?? ELIDED_BUNDLE, o.startEpochMs ?? 0),
  ];
}
