/**
 * Before anything is created: is the API server there and does it accept us; for each mesh, is it
 * installed (its controllers, its injector, every kind the trial applies); may we do all the run
 * does (SelfSubjectAccessReview); can the pods be placed. Every problem is collected, so one run
 * of preflight tells everything to fix (exit 2 through PreflightError).
 */
import { injected, meshAdapter, type KubernetesObject } from '../../meshes/index.ts';
import type { ResolvedScenario } from '../../scenario/resolve.ts';
import { KubeApiError, type ApiResource, type KubeClient } from './client.ts';
import { APPMESH_END_OF_SUPPORT, installHintForGroup, meshRequirements, type MeshRequirement } from './mesh-requirements.ts';
import { placementProblems, type NodeLike } from './placement.ts';
import type { Problem } from './problems.ts';
import { describePermission, metricsApiPods, missingPermissions, NODE_PROXY, trialPermissions, type Permission } from './rbac.ts';
import { meshOptions, renderTrial, trialNamespace } from './render.ts';
import { checkRequirement } from './requirement-checks.ts';
import { selectorQuery } from './label-selector.ts';

export interface PreflightOptions {
  client: KubeClient;
  scenario: ResolvedScenario;
  runId: string;
  /** A custom mesh's own requirements, by mesh name (from its scenario definition). */
  declared?: Record<string, MeshRequirement[]>;
  signal?: AbortSignal;
}

export interface PreflightReport {
  problems: Problem[];
  warnings: string[];
  /** Versions found: kubernetes, istiod, ztunnel, appmesh-controller, ... */
  components: Record<string, string>;
  /** Per mesh, whether its control plane injects native sidecars (meshed Jobs then end by themselves), when it says. */
  nativeSidecars: Record<string, boolean>;
  /** Where each mesh workload was found, by its label selector (`app=ztunnel` → `istio-system`): trials look there. */
  foundIn: Record<string, string>;
}

/** The problem a failed call to the API server means for access, or null when it is another failure. */
export function accessProblem(client: KubeClient, e: unknown): Problem | null {
  if (!(e instanceof KubeApiError)) return null;
  const where = `context ${client.context} (${client.server})`;
  if (e.reason === 'AuthenticationSetup') {
    return { where, what: e.message.replace(/^\S+ \S+: /, ''), fix: "run the kubeconfig's credential plugin yourself to see it fail (`kubectl get --raw /version -v=6`): install it or put it on PATH (e.g. the AWS CLI for `aws eks get-token`), or renew its session (e.g. `aws sso login`, `gcloud auth login`)" };
  }
  if (e.status === 0 && /CERT|SSL|TLS|SIGNATURE|HOSTNAME|ALTNAME/i.test(e.reason)) {
    return { where, what: `the API server's certificate is not trusted (${e.reason})`, fix: "check the cluster's certificate-authority(-data) in the kubeconfig, or that the server address matches its certificate (`kubectl cluster-info`)" };
  }
  if (e.status === 0) {
    return { where, what: `the API server does not answer (${e.reason})`, fix: 'check that the cluster runs and is reachable from here (VPN, proxy, `kubectl cluster-info`), or pick another context with --context' };
  }
  if (e.status === 401) {
    return { where, what: 'the API server rejected the credentials (401 Unauthorized): they are invalid or expired', fix: 'renew them (e.g. `aws eks update-kubeconfig --name CLUSTER`, `gcloud container clusters get-credentials CLUSTER`, `az aks get-credentials`), then check with `kubectl auth whoami`' };
  }
  if (e.status === 403) {
    return { where, what: `the API server refused the request (403 Forbidden: ${e.message.split(': ').pop()})`, fix: 'give this identity the ClusterRole of docs/kubernetes.md ("Permissions")' };
  }
  if (e.status === 404) {
    return { where, what: `the server answered ${e.message.split(': ')[0]} with 404 Not Found: it is not a Kubernetes API server, or the address has a wrong path`, fix: 'check the cluster\'s server address in the kubeconfig (`kubectl config view --minify`); a proxy or gateway in front of the API server may need its path prefix' };
  }
  if (e.status >= 500) {
    return { where, what: `the API server failed (HTTP ${e.status} ${e.reason}: ${e.message.split(': ').pop()})`, fix: 'the cluster is unwell or overloaded: check its health (`kubectl get --raw /readyz?verbose`), or the load balancer in front of it, then run again' };
  }
  return null;
}

/**
 * Meshes whose control plane no longer exists: a trial could only wait out its readiness timeout
 * (no controller ever answers), once per repetition. Refused before the cluster is even asked.
 */
export function endedMeshProblems(meshes: readonly string[]): Problem[] {
  return meshes
    .filter((m) => m === 'appmesh')
    .map((m) => ({
      where: `meshes: ${m}`,
      what: `AWS App Mesh's control plane is an AWS service that ended on ${APPMESH_END_OF_SUPPORT}: no appmesh-controller can configure its Envoys any more, so a trial would only wait out its readiness timeout and measure nothing`,
      fix: `remove ${m} from meshes; bring archived App Mesh results in with \`bench import FILE... --mesh appmesh\` and compare this run against them (\`bench compare ARCHIVE/result.json RUN/result.json\`); the local platform's App Mesh emulation still runs`,
    }));
}

export async function preflight(o: PreflightOptions): Promise<PreflightReport> {
  const { client, scenario: s, runId, signal } = o;
  const report: PreflightReport = { problems: [], warnings: [], components: {}, nativeSidecars: {}, foundIn: {} };
  const ended = endedMeshProblems(s.meshes);
  if (ended.length > 0) return { ...report, problems: ended };
  try {
    const version = await client.get<{ gitVersion?: string }>('/version', signal);
    if (version.gitVersion) report.components.kubernetes = version.gitVersion;
    // /version is public on most clusters; a review proves the credentials themselves.
    await client.request('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: 'list', resource: 'namespaces' } } },
      signal,
    });
  } catch (e) {
    const p = accessProblem(client, e);
    if (!p) throw e;
    // Nothing else can be checked without the API server.
    return { ...report, problems: [p] };
  }

  const permissions: Permission[] = [];
  const namespaces: string[] = [];
  let placement: { workload: Record<string, string> | null; loadgen: Record<string, string> | null } | null = null;
  for (const mesh of s.meshes) {
    const objects = renderTrial(s, mesh, runId);
    const ns = trialNamespace(s, mesh, runId);
    const resources: ApiResource[] = [];
    const seen = new Set<string>();
    for (const obj of objects) {
      const k = `${obj.apiVersion}/${obj.kind}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const r = await client.resourceFor(obj.apiVersion, obj.kind, signal);
      if (r) resources.push(r);
      else {
        const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0]! : '';
        report.problems.push({ where: `mesh ${mesh}: ${obj.kind} (${obj.apiVersion})`, what: `the cluster does not serve ${obj.kind} (${obj.apiVersion}), which the trial applies: its CRD is not installed`, fix: installHintForGroup(group) });
      }
    }

    const overlay = meshAdapter(s, mesh).kubernetesOverlay(meshOptions(s, ns, runId));
    const reqs = meshRequirements({ mesh, overlay, istioRevision: s.kubernetes.istio.revision, waypoint: s.kubernetes.istio.waypoint, mtls: s.kubernetes.mtls }, o.declared?.[mesh] ?? s.customMeshes[mesh]?.preflight);
    report.warnings.push(...reqs.warnings);
    const on = injected(s.kubernetes.placement);
    const podLabels = (kind: string) => podTemplateLabels(objects.find((x) => x.kind === kind));
    const target = {
      namespace: ns,
      namespaceLabels: objects.find((x) => x.kind === 'Namespace')?.metadata.labels ?? {},
      // Meshes whose data plane is not in the pods (ambient) inject nothing.
      meshedPodLabels: overlay.dataPlaneContainers.length === 0 ? [] : [...(on.workload ? [podLabels('Deployment')] : []), ...(on.loadgen ? [podLabels('Job')] : [])],
      kubernetesVersion: report.components.kubernetes,
    };
    for (const r of reqs.requirements) {
      const result = await checkRequirement(client, mesh, r, target, signal);
      Object.assign(report.components, result.versions);
      if (result.nativeSidecars !== undefined) report.nativeSidecars[mesh] = result.nativeSidecars;
      if (result.foundIn && r.kind === 'workload') report.foundIn[selectorQuery(r.selector)] = result.foundIn;
      if (result.problem) report.problems.push(result.problem);
    }
    const probesLoader = overlay.dataPlaneContainers.length > 0 && on.loadgen;
    permissions.push(...trialPermissions({ namespace: ns, resources, readsMeshComponents: reqs.requirements.length > 0, roles: objects.filter((x) => x.kind === 'Role' || x.kind === 'ClusterRole'), probesLoader }));
    namespaces.push(ns);
    placement ??= { workload: nodeSelectorOf(objects.find((x) => x.kind === 'Deployment')), loadgen: nodeSelectorOf(objects.find((x) => x.kind === 'Job')) };
  }

  const missing = await missingPermissions(client, permissions, signal);
  if (missing.length > 0) {
    report.problems.push({
      where: `identity of context ${client.context}`,
      what: `${missing.length} permission${missing.length === 1 ? ' is' : 's are'} missing:\n${missing.map((p) => `      ${describePermission(p)}`).join('\n')}`,
      fix: 'bind this identity to the ClusterRole of docs/kubernetes.md ("Permissions"); check one with `kubectl auth can-i VERB RESOURCE -n NAMESPACE`',
    });
  }
  await checkResourceReads(client, namespaces, report, signal);
  // Without the right to list nodes, placement is not checked here; the missing permission says so.
  if (placement && !missing.some((p) => p.resource === 'nodes')) {
    const nodes = await client.list<NodeLike>('/api/v1/nodes', {}, signal);
    report.problems.push(...placementProblems(nodes, { workloadNodeSelector: placement.workload, loadgenNodeSelector: placement.loadgen, antiAffinity: true }));
  }
  report.warnings = [...new Set(report.warnings)];
  return report;
}

/** The kubelet collector needs the node proxy, or at least metrics.k8s.io (then a warning: ~15 s averages). */
async function checkResourceReads(client: KubeClient, namespaces: string[], report: PreflightReport, signal: AbortSignal | undefined): Promise<void> {
  if ((await missingPermissions(client, [NODE_PROXY], signal)).length === 0) return;
  const metrics = await missingPermissions(client, namespaces.map(metricsApiPods), signal);
  if (metrics.length === 0) {
    report.warnings.push(`this identity may not ${describePermission(NODE_PROXY)}: CPU and memory will come from metrics.k8s.io, ~15 s averages rather than the exact measured window`);
    return;
  }
  report.problems.push({
    where: `identity of context ${client.context}`,
    what: `CPU and memory cannot be read: it may neither ${describePermission(NODE_PROXY)} nor ${metrics.map(describePermission).join(', ')}`,
    fix: 'grant `get` on nodes/proxy (exact windows), or on pods.metrics.k8s.io with metrics-server installed; see docs/kubernetes.md ("Permissions")',
  });
}

type PodTemplated = KubernetesObject & { spec?: { template?: { metadata?: { labels?: Record<string, string> }; spec?: { nodeSelector?: Record<string, string> } } } };

const podTemplateLabels = (o: KubernetesObject | undefined): Record<string, string> => (o as PodTemplated | undefined)?.spec?.template?.metadata?.labels ?? {};
const nodeSelectorOf = (o: KubernetesObject | undefined): Record<string, string> | null => (o as PodTemplated | undefined)?.spec?.template?.spec?.nodeSelector ?? null;
