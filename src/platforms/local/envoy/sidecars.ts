/**
 * One Envoy sidecar per pod (loadgen, workload) with the mesh's defaults (bootstrap.ts), in either
 * layout: `loopback`, where each listener has its own 127.0.0.1 port and the load dials the loader
 * pod's outbound listener, or `netns`, where Envoy listens on the mesh's capture ports inside the pod
 * namespace and runs with the mesh's proxy gid (1337), whose own connections the capture rules leave
 * alone (istio-init exempts uid and gid 1337 alike; keeping uid root lets Envoy read the run's keys
 * and the binary in root's cache). Each pod's outbound side calls the other pod's inbound side.
 * traffic() reads both Envoys' counters from their admin endpoints; stats.ts decides what they prove.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunError } from '../../../errors.ts';
import type { EnvoySidecarDefaults } from '../../../meshes/types.ts';
import { carriedAsTcp, type Protocol } from '../../../workload/protocol.ts';
import type { MeshCertificates } from '../certs.ts';
import { fetchInNetns, inNetns } from '../netns/exec.ts';
import { waitForHttpInNetns } from '../netns/ready.ts';
import { freeLoopbackPort } from '../ports.ts';
import { startProcess, type ManagedProcess } from '../processes.ts';
import { envoyArgs, envoyBootstrap, envoyNames, spiffeIdOf, type EnvoyNames, type EnvoyPodPlan, type PodTls } from './bootstrap.ts';
import { missingCrossing, parseEnvoyStats, sidecarTraffic, type SidecarTraffic } from './stats.ts';

export const SIDECAR_PODS = ['loadgen', 'workload'] as const;
export type SidecarPod = (typeof SIDECAR_PODS)[number];

/** Where the pods are: loopback (the workload app's port), or pod namespaces with their addresses. */
export type SidecarLayout =
  | { kind: 'loopback'; appPort: number }
  | { kind: 'netns'; appPort: number; pods: Record<SidecarPod, { netns: string; ip: string }> };

export interface EnvoySidecarsOptions {
  envoyPath: string;
  defaults: EnvoySidecarDefaults;
  /** The run's certificates when the mesh asks for mutual TLS; null for plaintext. */
  certs: MeshCertificates | null;
  layout: SidecarLayout;
  /** The trial's folder: the bootstrap files. */
  dir: string;
  /** `t3`: names the processes (`sidecar-workload-t3`) as the HAProxy sidecars are named. */
  tag: string;
  /** The container name outputs use: `istio-proxy` (Istio) or `envoy` (App Mesh), as on Kubernetes. */
  container: string;
  readyTimeoutMs: number;
  signal: AbortSignal;
  /** What the workload speaks (default HTTP/1.1): the sidecars proxy HTTP/2 for h2c and gRPC, TCP for tcp and the workload's own TLS. */
  protocol?: Protocol;
}

interface Sidecar {
  pod: SidecarPod;
  plan: EnvoyPodPlan;
  names: EnvoyNames;
  process: ManagedProcess;
}

/** The sidecar's container name as the mesh's injector names it on Kubernetes (istio-proxy, envoy). */
export function envoyContainer(mesh: { name: string }): string {
  return mesh.name === 'istio' ? 'istio-proxy' : 'envoy';
}

const other = (pod: SidecarPod): SidecarPod => (pod === 'loadgen' ? 'workload' : 'loadgen');

export class EnvoySidecars {
  readonly sidecars: Sidecar[];
  private readonly o: EnvoySidecarsOptions;

  private constructor(o: EnvoySidecarsOptions, sidecars: Sidecar[]) {
    this.o = o;
    this.sidecars = sidecars;
  }

  /** Starts both Envoys and waits for their admin endpoints to say they are ready; stops them on failure. */
  static async start(o: EnvoySidecarsOptions): Promise<EnvoySidecars> {
    const plans = await podPlans(o);
    const started: Sidecar[] = [];
    try {
      for (const pod of SIDECAR_PODS) {
        const plan = plans[pod];
        const name = `sidecar-${pod}-${o.tag}`;
        const file = join(o.dir, `${name}.json`);
        await writeFile(file, JSON.stringify(envoyBootstrap(o.defaults, plan, o.protocol), null, 1));
        const args = envoyArgs(o.defaults, file);
        const gid = String(o.defaults.ports.proxyUid);
        const argv = o.layout.kind === 'netns'
          ? inNetns(o.layout.pods[pod].netns, 'setpriv', [`--regid=${gid}`, '--clear-groups', '--', o.envoyPath, ...args])
          : { command: o.envoyPath, args };
        started.push({ pod, plan, names: envoyNames(o.defaults, plan), process: startProcess({ name, ...argv }) });
      }
      const sidecars = new EnvoySidecars(o, started);
      await Promise.all(started.map((s) => sidecars.waitReady(s)));
      return sidecars;
    } catch (error) {
      for (const s of started.reverse()) await s.process.stop();
      throw error;
    }
  }

  /** Where the load goes in the loopback layout: the loader pod's outbound listener. */
  get loopbackTarget(): URL {
    const { listen } = this.of('loadgen').plan.outbound;
    return new URL(`http://${listen.host}:${listen.port}/`);
  }

  containers(): { pod: SidecarPod; container: string; role: 'sidecar'; pid: number }[] {
    return this.sidecars.map((s) => ({ pod: s.pod, container: this.o.container, role: 'sidecar' as const, pid: s.process.pid }));
  }

  get processes(): ManagedProcess[] {
    return this.sidecars.map((s) => s.process);
  }

  async stop(): Promise<void> {
    for (const s of [...this.sidecars].reverse()) await s.process.stop();
  }

  /** Both sidecars' counters now. */
  async traffic(): Promise<Record<SidecarPod, SidecarTraffic>> {
    const [loadgen, workload] = await Promise.all(SIDECAR_PODS.map(async (pod) => sidecarTraffic(parseEnvoyStats(await this.admin(pod, '/stats')), this.of(pod).names, carriedAsTcp(this.o.protocol ?? 'http1'))));
    return { loadgen: loadgen!, workload: workload! };
  }

  /**
   * Fails the trial unless the counters since `before` show the load crossing both sidecars (and,
   * with mTLS, the upstream connections were TLS to the peer's SPIFFE identity). Envoy updates its
   * counters as each request completes, so a short bounded poll covers a read racing the last one.
   */
  async requireCrossed(before: Record<SidecarPod, SidecarTraffic>): Promise<void> {
    let missing: string | null = null;
    for (let attempt = 0; attempt < 10; attempt++) {
      const after = await this.traffic();
      missing = missingCrossing({ client: { before: before.loadgen, after: after.loadgen }, server: { before: before.workload, after: after.workload } }, this.o.certs !== null);
      if (missing === null) return;
      await sleep(100);
    }
    throw new RunError({ what: missing!, where: 'local platform (Envoy sidecars)', fix: 'the load went around a sidecar: in the netns layout the pods\' capture rules did not send it through Envoy; see each Envoy\'s admin /stats' });
  }

  private of(pod: SidecarPod): Sidecar {
    return this.sidecars.find((s) => s.pod === pod)!;
  }

  /** GET on a sidecar's admin endpoint (inside its pod in the netns layout). */
  private async admin(pod: SidecarPod, path: string): Promise<string> {
    const { admin } = this.of(pod).plan;
    const url = `http://${admin.host}:${admin.port}${path}`;
    const body = this.o.layout.kind === 'netns'
      ? await fetchInNetns(this.o.layout.pods[pod].netns, url)
      : await fetch(url, { signal: AbortSignal.timeout(2_000) }).then((r) => (r.ok ? r.text() : undefined), () => undefined);
    if (body === undefined) throw new RunError({ what: `the ${pod} pod's Envoy admin endpoint ${url} did not answer`, where: `sidecar-${pod}-${this.o.tag}`, fix: 'see the Envoy output in the run\'s log; it may have exited' });
    return body;
  }

  private async waitReady(s: Sidecar): Promise<void> {
    const url = `http://${s.plan.admin.host}:${s.plan.admin.port}/ready`;
    if (this.o.layout.kind === 'netns') {
      await waitForHttpInNetns(this.o.layout.pods[s.pod].netns, url, { timeoutMs: this.o.readyTimeoutMs, signal: this.o.signal, process: s.process });
      return;
    }
    let exit: number | string | undefined;
    void s.process.exited.then((code) => (exit = code));
    const deadline = Date.now() + this.o.readyTimeoutMs;
    for (;;) {
      this.o.signal.throwIfAborted();
      if (exit !== undefined) throw new RunError({ what: `${s.process.name} exited (${exit}) before it was ready: ${s.process.stderrTail().split('\n').slice(-5).join(' | ') || '(no output)'}`, where: s.process.name, fix: 'see its output in this message' });
      const ok = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then((r) => r.status === 200, () => false);
      if (ok) return;
      if (Date.now() > deadline) throw new RunError({ what: `${url} did not answer 200 within ${this.o.readyTimeoutMs} ms`, where: s.process.name, fix: `its output: ${s.process.stderrTail().split('\n').slice(-5).join(' | ') || '(none)'}` });
      await sleep(50, undefined, { signal: this.o.signal });
    }
  }
}

/** Where each pod's Envoy listens and calls, and with which identity. */
async function podPlans(o: EnvoySidecarsOptions): Promise<Record<SidecarPod, EnvoyPodPlan>> {
  const d = o.defaults;
  const tls = (pod: SidecarPod): PodTls | null => (o.certs ? podTls(o, pod) : null);
  const spiffe = (pod: SidecarPod) => (o.certs ? (o.certs.identities?.[pod].spiffeId ?? spiffeIdOf(pod)) : null);
  const layout = o.layout;
  if (layout.kind === 'netns') {
    const plan = (pod: SidecarPod): EnvoyPodPlan => ({
      pod,
      admin: { host: '127.0.0.1', port: d.ports.admin },
      inbound: { listen: { host: '0.0.0.0', port: d.ports.inbound }, app: { host: '127.0.0.1', port: layout.appPort } },
      // The pod's client dials the peer's own address; the capture sends it here, and Envoy (gid 1337, not captured) dials it for real.
      outbound: { listen: { host: '0.0.0.0', port: d.ports.outbound }, peer: { pod: other(pod), host: layout.pods[other(pod)].ip, port: layout.appPort, spiffeId: spiffe(other(pod)) } },
      tls: tls(pod),
    });
    return { loadgen: plan('loadgen'), workload: plan('workload') };
  }
  const ports = async () => ({ admin: await freeLoopbackPort(), inbound: await freeLoopbackPort(), outbound: await freeLoopbackPort() });
  const p = { loadgen: await ports(), workload: await ports() };
  // The loader pod serves nothing: its inbound listener exists as in the mesh, and leads to a port nobody listens on.
  const apps: Record<SidecarPod, number> = { loadgen: await freeLoopbackPort(), workload: layout.appPort };
  const local = (port: number) => ({ host: '127.0.0.1', port });
  const plan = (pod: SidecarPod): EnvoyPodPlan => ({
    pod,
    admin: local(p[pod].admin),
    inbound: { listen: local(p[pod].inbound), app: local(apps[pod]) },
    outbound: { listen: local(p[pod].outbound), peer: { pod: other(pod), ...local(p[other(pod)].inbound), spiffeId: spiffe(other(pod)) } },
    tls: tls(pod),
  });
  return { loadgen: plan('loadgen'), workload: plan('workload') };
}

/** The pod's certificate and key, issued by the run's CA (certs.ts). */
function podTls(o: EnvoySidecarsOptions, pod: SidecarPod): PodTls {
  const id = o.certs!.identities?.[pod];
  if (!id) throw new Error('EnvoySidecars: the run\'s certificates have no per-pod identities (certs.ts)');
  return { spiffeId: id.spiffeId, certChainFile: id.certFile, keyFile: id.keyFile, caFile: o.certs!.caFile };
}
