/**
 * Every verb and resource a run uses, asked of the API server with SelfSubjectAccessReviews, so
 * a restricted identity learns all it lacks before anything is created. Trial namespaces do not
 * exist yet, so only cluster-wide grants (a ClusterRole) can allow what happens inside them.
 */
import type { KubernetesObject } from '../../meshes/index.ts';
import type { ApiResource, KubeClient } from './client.ts';

export interface Permission {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  /** Absent: cluster-wide. */
  namespace?: string;
}

export interface TrialPermissionInput {
  namespace: string;
  /** Discovery of every kind the trial applies (unserved kinds are reported elsewhere). */
  resources: ApiResource[];
  /** The mesh's preflight reads controllers and webhooks across the cluster. */
  readsMeshComponents: boolean;
  /** Roles the trial creates: RBAC lets an identity grant only what it holds itself. */
  roles?: KubernetesObject[];
  /** The mesh injects the loader pod: a dry-run pod create asks its injector what it would add. */
  probesLoader?: boolean;
}

const OBJECT_VERBS = ['get', 'create', 'patch', 'delete'] as const;

export function trialPermissions(t: TrialPermissionInput): Permission[] {
  const out: Permission[] = [];
  for (const r of t.resources) {
    const ns = r.namespaced ? { namespace: t.namespace } : {};
    for (const verb of OBJECT_VERBS) out.push({ verb, group: r.group, resource: r.resource, ...ns });
    // Teardown and `bench cleanup` find cluster-scoped objects (and namespaces) by label.
    if (!r.namespaced) out.push({ verb: 'list', group: r.group, resource: r.resource });
  }
  // Waiting for readiness and saying why not; the load Job's pods and their logs.
  out.push(
    { verb: 'list', group: 'apps', resource: 'deployments', namespace: t.namespace },
    { verb: 'list', group: '', resource: 'pods', namespace: t.namespace },
    { verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: t.namespace },
    { verb: 'list', group: '', resource: 'events', namespace: t.namespace },
  );
  if (t.probesLoader) out.push({ verb: 'create', group: '', resource: 'pods', namespace: t.namespace });
  for (const role of t.roles ?? []) {
    const rules = (role as { rules?: { apiGroups?: string[]; resources?: string[]; verbs?: string[] }[] }).rules ?? [];
    for (const rule of rules) {
      for (const group of rule.apiGroups ?? ['']) {
        for (const res of rule.resources ?? []) {
          const [resource, subresource] = res.split('/') as [string, string | undefined];
          for (const verb of rule.verbs ?? []) out.push({ verb, group, resource, ...(subresource ? { subresource } : {}), ...(role.kind === 'Role' ? { namespace: t.namespace } : {}) });
        }
      }
    }
  }
  // Placement and environment facts.
  out.push({ verb: 'list', group: '', resource: 'nodes' });
  if (t.readsMeshComponents) {
    out.push(
      { verb: 'list', group: 'apps', resource: 'deployments' },
      { verb: 'list', group: 'apps', resource: 'daemonsets' },
      { verb: 'list', group: 'admissionregistration.k8s.io', resource: 'mutatingwebhookconfigurations' },
    );
  }
  return out;
}

/**
 * How the kubelet collector reads resources: the node proxy (exact windows), else metrics.k8s.io
 * (~15 s averages). Either will do; preflight asks for the first and falls back to the second.
 */
export const NODE_PROXY: Permission = { verb: 'get', group: '', resource: 'nodes', subresource: 'proxy' };
export const metricsApiPods = (namespace: string): Permission => ({ verb: 'get', group: 'metrics.k8s.io', resource: 'pods', namespace });

export const describePermission = (p: Permission): string =>
  `${p.verb} ${p.resource}${p.subresource ? `/${p.subresource}` : ''}${p.group ? `.${p.group}` : ''} ${p.namespace ? `in namespace ${p.namespace}` : '(cluster-wide)'}`;

const key = (p: Permission) => `${p.verb}|${p.group}|${p.resource}|${p.subresource ?? ''}|${p.namespace ?? ''}`;

/** The permissions the current identity lacks, in the order given, without duplicates. */
export async function missingPermissions(client: KubeClient, wanted: Permission[], signal?: AbortSignal): Promise<Permission[]> {
  const unique = [...new Map(wanted.map((p) => [key(p), p])).values()];
  const allowed: boolean[] = new Array<boolean>(unique.length);
  // A few reviews at a time: enough to be quick, few enough not to trip client-side rate limits.
  const CONCURRENCY = 8;
  let next = 0;
  const worker = async () => {
    while (next < unique.length) {
      const i = next++;
      const p = unique[i]!;
      const review = await client.request<{ status?: { allowed?: boolean } }>('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: p.verb, group: p.group, resource: p.resource, subresource: p.subresource, namespace: p.namespace } } },
        signal,
      });
      allowed[i] = review.status?.allowed === true;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, unique.length) }, worker));
  return unique.filter((_, i) => !allowed[i]);
}
