/**
 * Deploy time, before the Job exists: what will the mesh's injector do to a loader pod? A server
 * dry run of one pod from the Job's template (`POST pods?dryRun=All`) goes through every mutating
 * webhook (injectors declare sideEffects None, so they are called on dry runs) and returns the pod
 * as it would be created, persisting nothing. Its proxy containers say whether the Job needs the
 * quit call: a native sidecar (an init container with restartPolicy Always) ends by itself.
 */
import type { KubernetesObject } from '../../../meshes/kubernetes.ts';
import type { KubeClient } from '../client.ts';

interface Templated {
  metadata: { name: string; namespace?: string };
  spec: { template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: Record<string, unknown> } };
}

interface ProbedPod {
  spec: { containers?: { name: string }[]; initContainers?: { name: string; restartPolicy?: string }[] };
}

export interface LoaderProbe {
  /** The data-plane containers the injector adds to a loader pod. */
  proxies: string[];
  /** Every one of them is a native sidecar. */
  nativeSidecars: boolean;
}

export async function probeLoaderPod(client: KubeClient, job: KubernetesObject, dataPlaneContainers: readonly string[], signal?: AbortSignal): Promise<LoaderProbe> {
  const j = job as unknown as Templated;
  const ns = j.metadata.namespace!;
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${j.metadata.name}-probe`, namespace: ns, labels: { ...j.spec.template.metadata?.labels, 'batch.kubernetes.io/job-name': j.metadata.name }, annotations: { ...j.spec.template.metadata?.annotations } },
    spec: j.spec.template.spec,
  };
  const created = await client.request<ProbedPod>('POST', `/api/v1/namespaces/${ns}/pods`, { query: { dryRun: 'All', fieldValidation: 'Strict' }, body: pod, signal });
  const native = (created.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always' && dataPlaneContainers.includes(c.name)).map((c) => c.name);
  const classic = (created.spec.containers ?? []).filter((c) => dataPlaneContainers.includes(c.name)).map((c) => c.name);
  return { proxies: [...native, ...classic], nativeSidecars: native.length > 0 && classic.length === 0 };
}
