/**
 * One trial's Istio sidecars under istiod (`local.control: istiod`), in the netns layout: the
 * trial's namespace and workloads registered with istiod (objects.ts), the capture installed by
 * pilot-agent's own `istio-iptables` in each pod, then a pilot-agent + upstream Envoy per pod
 * (agent.ts), ready when the agent's readiness endpoint says Envoy accepted istiod's config. The
 * crossing and mTLS checks read each Envoy's own counters, as for the static sidecars (envoy/stats.ts).
 * stop() ends agents, their Envoys and relays by pid and deletes the trial's objects; the pod
 * namespaces, and the capture rules in them, go with the topology.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunError } from '../../../errors.ts';
import type { KubernetesObject } from '../../../meshes/index.ts';
import type { EnvoyNames } from '../envoy/bootstrap.ts';
import { missingCrossing, parseEnvoyStats, sidecarTraffic, type SidecarTraffic } from '../envoy/stats.ts';
import { execInNetns, fetchInNetns } from '../netns/exec.ts';
import { waitForHttpInNetns } from '../netns/ready.ts';
import type { ManagedProcess } from '../processes.ts';
import { AGENT_PORTS, PROXY_GID, startAgent, type Agent } from './agent.ts';
import type { IstioBinaries } from './binaries.ts';
import { MESH_CONFIG, serverSideApply, type IstiodControlPlane } from './control-plane.ts';
import { serviceHost, trialObjects } from './objects.ts';
import { notSynced, parseSyncz } from './sync.ts';
import { carriedAsTcp, type Protocol } from '../../../workload/protocol.ts';

const PODS = ['loadgen', 'workload'] as const;
type Pod = (typeof PODS)[number];
const WHERE = 'local platform (istio, local.control: istiod)';

export interface IstiodSidecarsOptions {
  cp: IstiodControlPlane;
  binaries: IstioBinaries;
  envoyPath: string;
  pods: Record<Pod, { netns: string; ip: string }>;
  appPort: number;
  protocol: Protocol;
  /** The trial's folder: each pod's agent folder goes inside. */
  dir: string;
  /** `t3`: the trial's namespace is meshbench-t3, its processes istio-proxy-workload-t3. */
  tag: string;
  mtls: boolean;
  concurrency: number;
  readyTimeoutMs: number;
  signal: AbortSignal;
}

/** The names istiod gives the listeners, clusters and HTTP managers the checks read. Pure. */
export function istiodEnvoyNames(namespace: string, appPort: number): EnvoyNames {
  return {
    outboundListener: '0.0.0.0_15001',
    inboundListener: '0.0.0.0_15006',
    outboundCluster: `outbound|${appPort}||${serviceHost(namespace)}`,
    inboundCluster: `inbound|${appPort}||`,
    outboundHttpPrefix: `outbound_0.0.0.0_${appPort}`,
    inboundHttpPrefix: `inbound_0.0.0.0_${appPort}`,
    // A TCP proxy's stats are named after its cluster.
    outboundTcpPrefix: `outbound|${appPort}||${serviceHost(namespace)}`,
    inboundTcpPrefix: `inbound|${appPort}||`,
  };
}

/** pilot-agent istio-iptables as istio-init runs it; gid 1337 (the agent's and its Envoy's) is not captured. */
export function istioIptablesArgs(): string[] {
  return ['istio-iptables', '-p', '15001', '-z', '15006', '-u', String(PROXY_GID), '-g', String(PROXY_GID), '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', `${AGENT_PORTS.status},${AGENT_PORTS.ready},15090`];
}

export class IstiodSidecars {
  readonly namespace: string;
  readonly agents: Agent[] = [];
  private readonly o: IstiodSidecarsOptions;
  private readonly names: EnvoyNames;
  private readonly created: KubernetesObject[] = [];
  private stopped: Promise<void> | undefined;
  /** The agents' Envoys. A meshbench that dies outright leaves them to the trial's netns guard (netns/guard.ts). */
  private envoyPids: number[] = [];

  private constructor(o: IstiodSidecarsOptions) {
    this.o = o;
    this.namespace = `meshbench-${o.tag}`;
    this.names = istiodEnvoyNames(this.namespace, o.appPort);
  }

  static async start(o: IstiodSidecarsOptions): Promise<IstiodSidecars> {
    const s = new IstiodSidecars(o);
    try {
      await s.bringUp();
      return s;
    } catch (error) {
      await s.stop();
      throw error;
    }
  }

  /** The proxy ids istiod knows them by (POD_NAME.POD_NAMESPACE). */
  get proxyIds(): string[] {
    return PODS.map((p) => `${p}.${this.namespace}`);
  }

  /** Each pod's istio-proxy container: the agent and, below it, its Envoy (the collector sums the tree). */
  containers(): { pod: Pod; container: 'istio-proxy'; role: 'sidecar'; pid: number }[] {
    return this.agents.map((a) => ({ pod: a.pod, container: 'istio-proxy' as const, role: 'sidecar' as const, pid: a.agent.pid }));
  }

  get processes(): ManagedProcess[] {
    return this.agents.flatMap((a) => [a.relay, a.agent]);
  }

  async traffic(): Promise<Record<Pod, SidecarTraffic>> {
    const [loadgen, workload] = await Promise.all(PODS.map(async (pod) => sidecarTraffic(withoutTagMarks(parseEnvoyStats(await this.envoyAdmin(pod, '/stats'))), this.names, carriedAsTcp(this.o.protocol))));
    return { loadgen: loadgen!, workload: workload! };
  }

  /** As EnvoySidecars.requireCrossed: the counters since `before` show the load crossing both, over mTLS when asked. */
  async requireCrossed(before: Record<Pod, SidecarTraffic>): Promise<void> {
    let missing: string | null = null;
    for (let attempt = 0; attempt < 10; attempt++) {
      const after = await this.traffic();
      missing = missingCrossing({ client: { before: before.loadgen, after: after.loadgen }, server: { before: before.workload, after: after.workload } }, this.o.mtls);
      if (missing === null) return;
      await sleep(100);
    }
    throw new RunError({ what: missing!, where: WHERE, fix: 'the load went around a sidecar: the capture rules of pilot-agent istio-iptables did not send it through Envoy; see each Envoy\'s admin /stats' });
  }

  /** Why istiod's pushes to the two sidecars are not all acked, or null when they are (bounded wait). */
  async syncProblem(timeoutMs = 5_000): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const problem = notSynced(parseSyncz(await this.o.cp.debug('/debug/syncz')), this.proxyIds);
      if (problem === null || Date.now() > deadline) return problem;
      await sleep(200);
    }
  }

  /** GET on a pod's Envoy admin endpoint, inside the pod. */
  async envoyAdmin(pod: Pod, path: string): Promise<string> {
    const url = `http://127.0.0.1:${AGENT_PORTS.envoyAdmin}${path}`;
    const body = await fetchInNetns(this.o.pods[pod].netns, url);
    if (body === undefined) throw new RunError({ what: `the ${pod} pod's Envoy admin endpoint ${url} did not answer`, where: WHERE, fix: `see the agent's log, ${join(this.o.dir, pod, 'agent.log')}` });
    return body;
  }

  /** Idempotent: agents (their Envoys after them, by pid), relays, then the trial's objects. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      for (const a of [...this.agents].reverse()) {
        const children = [...new Set([...(await childrenOf(a.agent.pid)), ...this.envoyPids])];
        await a.agent.stop();
        // An agent killed before its drain ended leaves its Envoy running (../shared/envoy/NOTES.md).
        for (const pid of children) killQuietly(pid);
        await a.relay.stop();
      }
      for (const obj of [...this.created].reverse()) await this.delete(obj);
    })();
    return this.stopped;
  }

  private async bringUp(): Promise<void> {
    const { cp, signal } = this.o;
    const { base, mesh } = trialObjects({ namespace: this.namespace, pods: this.o.pods, appPort: this.o.appPort, protocol: this.o.protocol, mtls: this.o.mtls });
    for (const obj of [...base, ...mesh]) {
      await serverSideApply(cp.client, [obj], signal);
      this.created.push(obj);
    }
    const rootCertPem = await this.rootCert();
    for (const pod of PODS) {
      signal.throwIfAborted();
      await execInNetns(this.o.pods[pod].netns, this.o.binaries.pilotAgent, istioIptablesArgs());
    }
    for (const pod of PODS) {
      signal.throwIfAborted();
      const token = await this.token(pod);
      this.agents.push(
        await startAgent({
          pod,
          ...this.o.pods[pod],
          namespace: this.namespace,
          dir: join(this.o.dir, pod),
          pilotAgent: this.o.binaries.pilotAgent,
          envoyPath: this.o.envoyPath,
          bootstrapTemplate: this.o.binaries.bootstrapTemplate,
          rootCertPem,
          token,
          meshConfig: MESH_CONFIG,
          xdsSocket: cp.xdsSocket,
          appPort: this.o.appPort,
          concurrency: this.o.concurrency,
          tag: this.o.tag,
        }),
      );
    }
    // Ready: the agent has its certificate and Envoy accepted istiod's listeners and clusters.
    await Promise.all(
      this.agents.map((a) =>
        waitForHttpInNetns(this.o.pods[a.pod].netns, `http://127.0.0.1:${AGENT_PORTS.ready}/healthz/ready`, {
          timeoutMs: this.o.readyTimeoutMs,
          signal,
          process: a.agent,
          describeExit: async () => (await readFile(a.logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-6).join(' | ') || '(no output)',
        }),
      ),
    );
    for (const a of this.agents) this.envoyPids.push(...(await childrenOf(a.agent.pid)));
  }

  /** istiod's root certificate, which its namespace controller copies into every namespace. */
  private async rootCert(): Promise<string> {
    const path = `/api/v1/namespaces/${this.namespace}/configmaps/istio-ca-root-cert`;
    const deadline = Date.now() + this.o.readyTimeoutMs;
    for (;;) {
      const cm = await this.o.cp.client.request<{ data?: Record<string, string> }>('GET', path, { signal: this.o.signal }).catch(() => null);
      const pem = cm?.data?.['root-cert.pem'];
      if (pem) return pem;
      if (Date.now() > deadline) throw new RunError({ what: `istiod did not publish its root certificate in namespace ${this.namespace} within ${this.o.readyTimeoutMs} ms`, where: WHERE, fix: `see istiod's log, ${this.o.cp.logFile}` });
      await sleep(100, undefined, { signal: this.o.signal });
    }
  }

  /** A token of the pod's service account for istiod's CA (audience istio-ca), as a projected token is. */
  private async token(pod: Pod): Promise<string> {
    const r = await this.o.cp.client.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${this.namespace}/serviceaccounts/${pod}/token`, {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['istio-ca'], expirationSeconds: 3600 } },
      signal: this.o.signal,
    });
    return r.status.token;
  }

  private async delete(obj: KubernetesObject): Promise<void> {
    try {
      const path = await this.o.cp.client.pathOf(obj);
      // The namespace goes in the background: the next trial has its own.
      await this.o.cp.client.request('DELETE', path, { query: { propagationPolicy: 'Background' } });
    } catch {
      // Gone already, or the tier is: the tier's own teardown removes all that remains.
    }
  }
}

/**
 * Istio's bootstrap extracts its stats tags (cluster_name, http_conn_manager_prefix) with regexes
 * that end each tag's value in `;`, so `/stats` names read `cluster.outbound|8080||host;.upstream_cx_total`:
 * without the marks they are Envoy's plain names, which the checks use.
 */
export function withoutTagMarks(stats: ReadonlyMap<string, number>): Map<string, number> {
  return new Map([...stats].map(([name, value]) => [name.replaceAll(';.', '.'), value]));
}

/** Children of a process (its Envoy), from /proc; a Go process may fork from any of its threads. */
async function childrenOf(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const out: number[] = [];
  for (const t of tasks) {
    const text = await readFile(`/proc/${pid}/task/${t}/children`, 'utf8').catch(() => '');
    out.push(...text.split(/\s+/).filter(Boolean).map(Number));
  }
  return out;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
