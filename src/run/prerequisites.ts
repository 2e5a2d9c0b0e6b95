/**
 * What a run will need on this machine, checked now for `bench plan` rather than at `bench run`:
 * the layout it will choose and why, the sidecars' proxy (Envoy, or HAProxy when asked), root,
 * ztunnel and its Python helper for istio-ambient, a reachable and ready cluster, a target that
 * answers. Each check is the one `bench run` makes, so plan and run cannot disagree; none starts a
 * trial (the netns probe adds a namespace and deletes it, as run's set-up does).
 */
import { isMeshbenchError } from '../errors.ts';
import { ENVOY_VERSION, findEnvoy } from '../platforms/local/envoy/binary.ts';
import { haproxyVersion } from '../platforms/local/haproxy.ts';
import { chooseLayout, NETNS_ONLY_MESHES } from '../platforms/local/netns/layout.ts';
import { ambientPreflight } from '../platforms/local/ztunnel/preflight.ts';
import type { ResolvedScenario } from '../scenario/resolve.ts';
import type { SetupContext } from './platforms.ts';

export interface Prerequisite {
  what: string;
  ok: boolean;
  /** What was found: a version, a path, the reason it is missing. */
  detail: string;
  fix: string | null;
}

export interface PrerequisiteReport {
  layout: { name: 'loopback' | 'netns' | 'cluster'; reason: string } | null;
  checks: Prerequisite[];
}

const failed = (what: string, e: unknown): Prerequisite => {
  if (!isMeshbenchError(e)) throw e;
  return { what, ok: false, detail: e.what, fix: e.fix ?? null };
};

async function local(s: ResolvedScenario, env: NodeJS.ProcessEnv): Promise<PrerequisiteReport> {
  const checks: Prerequisite[] = [];
  let layout: PrerequisiteReport['layout'] = null;
  try {
    const choice = await chooseLayout(s.local.layout, s.meshes);
    layout = { name: choice.layout, reason: choice.reason };
  } catch (e) {
    checks.push(failed('pods as network namespaces', e));
  }
  const uid = process.getuid?.();
  checks.push({ what: 'root', ok: true, detail: uid === 0 ? 'running as root' : `running as uid ${uid ?? 'unknown'}, not root: enough for the loopback layout; the netns layout needs root, or CAP_NET_ADMIN and CAP_SYS_ADMIN`, fix: null });
  const sidecarMeshes = s.meshes.filter((m) => m !== 'none' && !NETNS_ONLY_MESHES.includes(m));
  if (sidecarMeshes.length) {
    // The proxy the run will start (`local.sidecar`, Envoy by default), not always HAProxy: a plan
    // that checked HAProxy passed on a machine without Envoy, and the run then stopped with exit 2.
    const haproxy = s.local.sidecar === 'haproxy';
    const what = `${haproxy ? 'HAProxy' : `Envoy ${ENVOY_VERSION}`} (the sidecars of ${sidecarMeshes.join(', ')})`;
    try {
      const detail = haproxy ? `HAProxy ${await haproxyVersion()}` : (await findEnvoy(env)).path;
      checks.push({ what, ok: true, detail, fix: null });
    } catch (e) {
      checks.push(failed(what, e));
    }
  }
  const ambient = s.meshes.filter((m) => NETNS_ONLY_MESHES.includes(m));
  if (ambient.length) {
    try {
      const found = await ambientPreflight(env);
      checks.push({ what: `ztunnel and python3 (${ambient.join(', ')})`, ok: true, detail: `${found.ztunnelPath} (ztunnel ${found.components.ztunnel}), python ${found.components.python}`, fix: null });
    } catch (e) {
      checks.push(failed(`ztunnel and python3 (${ambient.join(', ')})`, e));
    }
  }
  return { layout, checks };
}

async function external(s: ResolvedScenario): Promise<PrerequisiteReport> {
  const what = `the target ${s.target} answers`;
  try {
    const res = await fetch(s.target!, { signal: AbortSignal.timeout(3_000) });
    await res.body?.cancel();
    return { layout: { name: 'loopback', reason: 'platform external: only the load generator runs here' }, checks: [{ what, ok: true, detail: `HTTP ${res.status}`, fix: null }] };
  } catch (e) {
    return { layout: { name: 'loopback', reason: 'platform external: only the load generator runs here' }, checks: [{ what, ok: false, detail: e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e), fix: 'start the service, or correct `target` (or --url)' }] };
  }
}

async function kubernetes(s: ResolvedScenario, ctx: Pick<SetupContext, 'access' | 'env' | 'signal'>): Promise<PrerequisiteReport> {
  // Loaded only for a cluster: the client is most of a second of start-up.
  const { KubeClient, preflight } = await import('../platforms/kubernetes/index.ts');
  const layout = { name: 'cluster' as const, reason: 'platform kubernetes: pods on the cluster\'s nodes' };
  let client: InstanceType<typeof KubeClient>;
  try {
    client = KubeClient.fromAccess(ctx.access, ctx.env);
  } catch (e) {
    return { layout, checks: [failed('a kubeconfig', e)] };
  }
  const report = await preflight({ client, scenario: s, runId: 'plan', signal: ctx.signal });
  const reached = { what: `the cluster (context "${client.context}", ${client.server})`, ok: report.problems.length === 0 || report.components.kubernetes !== undefined, detail: report.components.kubernetes ? `Kubernetes ${report.components.kubernetes}` : 'no answer', fix: null };
  return { layout, checks: [reached, ...report.problems.map((p) => ({ what: p.where, ok: false, detail: p.what, fix: p.fix })), ...report.warnings.map((w) => ({ what: 'note', ok: true, detail: w, fix: null }))] };
}

export async function checkPrerequisites(s: ResolvedScenario, ctx: Pick<SetupContext, 'access' | 'env' | 'signal'>): Promise<PrerequisiteReport> {
  if (s.platform === 'local') return local(s, ctx.env as NodeJS.ProcessEnv);
  if (s.platform === 'external') return external(s);
  return kubernetes(s, ctx);
}
