/**
 * A mesh meshbench does not know, defined in the scenario (`customMeshes`): its labels,
 * annotations, extra manifests and data-plane container names, so a team can benchmark it with
 * the same workload, load and reports. It has no local emulation.
 */
import { injected, type JobTermination, type KubernetesObject, type KubernetesOverlay, type KubernetesMeshOptions, type PodOverlay } from './kubernetes.ts';
import type { MeshAdapter } from './types.ts';

export interface CustomMeshDefinition {
  displayName: string | null;
  namespaceLabels: Record<string, string>;
  namespaceAnnotations: Record<string, string>;
  /** On pods that carry the mesh's proxy. */
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
  /** On pods the placement keeps out of the mesh. */
  optOut: { labels: Record<string, string>; annotations: Record<string, string> };
  dataPlaneContainers: string[];
  /** Namespaced objects, put in the trial's namespace. */
  manifests: KubernetesObject[];
  /** Cluster-scoped objects, applied before the namespace. */
  clusterManifests: KubernetesObject[];
  jobTermination: JobTermination;
}

export function customMeshAdapter(name: string, d: CustomMeshDefinition): MeshAdapter {
  const kubernetesOverlay = (o: KubernetesMeshOptions): KubernetesOverlay => {
    const on = injected(o.placement);
    const pod = (inMesh: boolean): PodOverlay => (inMesh ? { labels: d.podLabels, annotations: d.podAnnotations } : { labels: d.optOut.labels, annotations: d.optOut.annotations });
    return {
      namespaceLabels: d.namespaceLabels,
      namespaceAnnotations: d.namespaceAnnotations,
      workloadPod: pod(on.workload),
      loadgenPod: pod(on.loadgen),
      clusterObjects: d.clusterManifests,
      namespacedObjects: d.manifests.map((m) => ({ ...m, metadata: { ...m.metadata, namespace: o.namespace } })),
      dataPlaneContainers: d.dataPlaneContainers,
      dataPlanePods: [],
      jobTermination: d.jobTermination,
    };
  };
  return { name, displayName: d.displayName ?? name, localProfile: null, kubernetesOverlay };
}
