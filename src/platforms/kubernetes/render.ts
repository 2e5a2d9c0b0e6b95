/**
 * Every object a trial of one mesh needs on Kubernetes, in apply order: the mesh's cluster-scoped
 * objects, the namespace, accounts and RBAC, the mesh's namespaced objects, then the workload and
 * the load Job. Pure: the same scenario, mesh and run id give the same objects.
 */
import { meshAdapter, type KubernetesMeshOptions, type KubernetesObject } from '../../meshes/index.ts';
import { loadLevels, type LoadLevel } from '../../scenario/plan.ts';
import type { ResolvedScenario } from '../../scenario/resolve.ts';
import { LOADGEN, WORKLOAD, loadgenJob, loadgenRbac, namespace, serviceAccounts, workloadDeployment, workloadService, type TrialNames } from './workload.ts';

export const OWNER_LABELS = (runId: string) => ({ 'app.kubernetes.io/managed-by': 'meshbench', 'meshbench.io/run-id': runId.toLowerCase() });

export function trialNamespace(s: ResolvedScenario, mesh: string, runId: string): string {
  return `${s.kubernetes.namespacePrefix}-${mesh}-${runId.toLowerCase()}`.slice(0, 63).replace(/-+$/, '');
}

export function meshOptions(s: ResolvedScenario, ns: string, runId: string): KubernetesMeshOptions {
  return { namespace: ns, runId, mtls: s.kubernetes.mtls, placement: s.kubernetes.placement, workload: WORKLOAD, loadgen: LOADGEN, istio: s.kubernetes.istio, appmesh: s.kubernetes.appmesh };
}

export function renderTrial(s: ResolvedScenario, mesh: string, runId: string, level: LoadLevel = loadLevels(s)[0]!): KubernetesObject[] {
  const ns = trialNamespace(s, mesh, runId);
  const names: TrialNames = { namespace: ns, ownerLabels: OWNER_LABELS(runId) };
  const overlay = meshAdapter(s, mesh).kubernetesOverlay(meshOptions(s, ns, runId));
  const owned = (o: KubernetesObject): KubernetesObject => ({ ...o, metadata: { ...o.metadata, labels: { ...names.ownerLabels, ...o.metadata.labels } } });
  return [
    ...overlay.clusterObjects.map(owned),
    namespace(names, overlay.namespaceLabels, overlay.namespaceAnnotations),
    ...serviceAccounts(names),
    ...loadgenRbac(names),
    ...overlay.namespacedObjects.map(owned),
    workloadService(names),
    workloadDeployment(s, names, overlay.workloadPod),
    loadgenJob(s, names, overlay.loadgenPod, level),
  ];
}
