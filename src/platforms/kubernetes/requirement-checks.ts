/** Checks one mesh requirement against the cluster: a problem, or the component's version. */
import type { KubeClient } from './client.ts';
import { selectorQuery, selects, type LabelSelector } from './label-selector.ts';
import type { InjectorRequirement, MeshRequirement, WorkloadRequirement } from './mesh-requirements.ts';
import type { Problem } from './problems.ts';
import { istioNativeSidecars } from './loader/termination.ts';

export interface InjectionTarget {
  namespace: string;
  namespaceLabels: Record<string, string>;
  /** Labels of the pods the mesh must inject (empty: no pod is meant to carry a proxy). */
  meshedPodLabels: Record<string, string>[];
  /** The API server's version: native sidecars need Kubernetes 1.29 or later. */
  kubernetesVersion?: string | undefined;
}

export interface RequirementResult {
  problem?: Problem;
  /** component name → version, e.g. istiod → 1.30.3. */
  versions: Record<string, string>;
  /** Whether the control plane injects native sidecars, when it says (see WorkloadRequirement.nativeSidecars). */
  nativeSidecars?: boolean;
  /** Where a workload requirement was found (it is looked up in every namespace): its namespace. */
  foundIn?: string;
}

interface Workload {
  metadata: { name: string; namespace: string };
  spec: { template: { metadata?: { labels?: Record<string, string> }; spec: { containers: { name: string; image?: string; env?: { name: string; value?: string }[] }[] } } };
  status?: { availableReplicas?: number; numberReady?: number; replicas?: number; desiredNumberScheduled?: number };
}

interface WebhookConfig {
  metadata: { name: string; labels?: Record<string, string> };
  webhooks?: {
    name: string;
    namespaceSelector?: LabelSelector;
    objectSelector?: LabelSelector;
    rules?: { operations?: string[]; resources?: string[] }[];
  }[];
}

/** `repo/name:1.30.3` or `...:v1.13.1@sha256:...` → `1.30.3` / `v1.13.1`; null without a tag. */
export function imageTag(image: string | undefined): string | null {
  if (!image) return null;
  const noDigest = image.split('@')[0]!;
  const lastPart = noDigest.slice(noDigest.lastIndexOf('/') + 1);
  const i = lastPart.lastIndexOf(':');
  return i < 0 ? null : lastPart.slice(i + 1);
}

export async function checkRequirement(client: KubeClient, mesh: string, r: MeshRequirement, target: InjectionTarget, signal?: AbortSignal): Promise<RequirementResult> {
  return r.kind === 'workload' ? checkWorkload(client, mesh, r, target.kubernetesVersion, signal) : checkInjector(client, mesh, r, target, signal);
}

/** The workload's pod template carries every label of the selector. */
export function podsMatch(w: Pick<Workload, 'spec'>, selector: Record<string, string>): boolean {
  const labels = w.spec.template.metadata?.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

async function checkWorkload(client: KubeClient, mesh: string, r: WorkloadRequirement, kubernetesVersion: string | undefined, signal?: AbortSignal): Promise<RequirementResult> {
  const plural = r.workloadKind === 'Deployment' ? 'deployments' : 'daemonsets';
  let found = await client.list<Workload>(`/apis/apps/v1/${plural}`, { labelSelector: selectorQuery(r.selector) }, signal);
  // Istio's own charts label the ztunnel and istio-cni DaemonSets app.kubernetes.io/name=...; only
  // their pods carry app=ztunnel and k8s-app=istio-cni-node: a workload whose pods match counts.
  if (found.length === 0) found = (await client.list<Workload>(`/apis/apps/v1/${plural}`, {}, signal)).filter((w) => podsMatch(w, r.selector));
  const where = `mesh ${mesh}: ${r.component}`;
  if (found.length === 0) {
    return { versions: {}, problem: { where, what: `${r.component} is not installed: no ${r.workloadKind} labelled ${selectorQuery(r.selector)} (nor one whose pods are) in any namespace (it usually runs in ${r.namespace})`, fix: r.fix } };
  }
  const ready = found.find((w) => (r.workloadKind === 'Deployment' ? (w.status?.availableReplicas ?? 0) : (w.status?.numberReady ?? 0)) > 0);
  const w = ready ?? found[0]!;
  const container = (r.versionContainer && w.spec.template.spec.containers.find((c) => c.name === r.versionContainer)) || w.spec.template.spec.containers[0];
  const tag = imageTag(container?.image);
  const versions: Record<string, string> = tag ? { [r.component]: tag } : {};
  const foundIn = w.metadata.namespace;
  let native = r.nativeSidecars ? nativeSidecarsOf(r.nativeSidecars, container?.env, tag) : undefined;
  // istiod's verdict also weighs the Kubernetes version, and says why, in the run's environment.
  if (r.component === 'istiod') {
    const verdict = istioNativeSidecars(w, kubernetesVersion);
    native = verdict.native;
    versions['istio native sidecars'] = `${verdict.native ? 'yes' : 'no'} (${verdict.why})`;
  }
  if (!ready) {
    return {
      versions,
      foundIn,
      problem: {
        where,
        what: `${r.component} (${r.workloadKind} ${w.metadata.namespace}/${w.metadata.name}) has no ready pod`,
        fix: `see why: kubectl -n ${w.metadata.namespace} describe ${r.workloadKind.toLowerCase()} ${w.metadata.name}; kubectl -n ${w.metadata.namespace} get events`,
      },
    };
  }
  return { versions, foundIn, ...(native === undefined ? {} : { nativeSidecars: native }) };
}

export function nativeSidecarsOf(rule: { env: string; sinceVersion: string }, env: { name: string; value?: string }[] | undefined, tag: string | null): boolean | undefined {
  const set = env?.find((e) => e.name === rule.env)?.value;
  if (set !== undefined) return set === 'true';
  const [major, minor] = (tag ?? '').replace(/^v/, '').split('.').map(Number);
  const [sinceMajor, sinceMinor] = rule.sinceVersion.split('.').map(Number);
  if (major === undefined || minor === undefined || Number.isNaN(major) || Number.isNaN(minor)) return undefined;
  return major > sinceMajor! || (major === sinceMajor && minor >= sinceMinor!);
}

async function checkInjector(client: KubeClient, mesh: string, r: InjectorRequirement, target: InjectionTarget, signal?: AbortSignal): Promise<RequirementResult> {
  if (target.meshedPodLabels.length === 0) return { versions: {} };
  const configs = await client.list<WebhookConfig>('/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations', { labelSelector: r.configSelector }, signal);
  const candidates = configs.flatMap((c) => (c.webhooks ?? []).filter((w) => !r.webhookSuffix || w.name.endsWith(r.webhookSuffix)).map((w) => ({ config: c, webhook: w })));
  // The API server adds this label to every namespace; selectors may use it.
  const nsLabels = { 'kubernetes.io/metadata.name': target.namespace, ...target.namespaceLabels };
  const injectsPods = (w: NonNullable<WebhookConfig['webhooks']>[number]) =>
    (w.rules ?? []).some((rule) => (rule.resources ?? []).some((x) => x === 'pods' || x === '*') && (rule.operations ?? []).some((op) => op === 'CREATE' || op === '*'));
  const selecting = candidates.filter(({ webhook }) => injectsPods(webhook) && selects(webhook.namespaceSelector, nsLabels) && target.meshedPodLabels.every((pod) => selects(webhook.objectSelector, pod)));
  if (selecting.length > 0) return { versions: {} };
  const shown = Object.entries(target.namespaceLabels).map(([k, v]) => `${k}=${v}`).join(', ') || 'none';
  const revisions = [...new Set(configs.map((c) => c.metadata.labels?.['istio.io/rev']).filter((x): x is string => !!x))];
  const seen = candidates.length
    ? `; found ${[...new Set(candidates.map((c) => c.config.metadata.name))].join(', ')}${revisions.length ? ` (revisions: ${revisions.join(', ')})` : ''}, but none selects this namespace and its pods`
    : '; no such MutatingWebhookConfiguration exists';
  return {
    versions: {},
    problem: { where: `mesh ${mesh}: ${r.component}`, what: `no ${r.component} webhook would inject the pods of namespace ${target.namespace} (namespace labels: ${shown})${seen}`, fix: r.fix },
  };
}
