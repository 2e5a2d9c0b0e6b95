/**
 * Istio's ambient data plane, for real: one ztunnel 1.30.3 per node namespace in shared (in-pod)
 * mode, the pods enrolled over its ZDS socket by zds-agent.py, configuration and certificates from
 * an AmbientControlPlane (locally: a generated XDS file and FAKE_CA). Started in the order
 * ztunnel needs (../shared/ztunnel/NOTES.md, "Start order matters"):
 *   1. redirection rules in each pod;  2. the ZDS agent per node, listening;  3. the ztunnels;
 *   4. each agent's snapshot acked;    5. each ztunnel's readiness endpoint (:15021) answers 200.
 * stop() ends the ztunnels and agents by pid; the topology's teardown then removes the namespaces
 * and whatever is still in them. Both run on every exit path.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunError } from '../../../errors.ts';
import { inNetns } from '../netns/exec.ts';
import { waitForHttpInNetns } from '../netns/ready.ts';
import { NODE_NAMES, POD_NAMES, type NodeName } from '../netns/plan.ts';
import type { NetnsTopology } from '../netns/topology.ts';
import { describeExit, startProcess, type ManagedProcess } from '../processes.ts';
import { ZTUNNEL_VERSION } from './binary.ts';
import { LocalFileControlPlane, type AmbientControlPlane } from './control-plane.ts';
import { readZtunnelMetrics, ztunnelTraffic, type Sample, type ZtunnelTraffic } from './metrics.ts';
import { applyInpodRedirect } from './redirect.ts';
import { ambientModelFor, workloadUid, type PeerAuthenticationMode } from './xds.ts';

const ZDS_AGENT = fileURLToPath(new URL('./zds-agent.py', import.meta.url));
/** How long an agent's end waits for its ztunnel's to be reported first (see watchLoss). */
const AGENT_LOSS_GRACE_MS = 250;

export const AMBIENT_LABEL = `istio-ambient (local: ztunnel ${ZTUNNEL_VERSION}, HBONE mTLS, 2 nodes)`;

export interface AmbientOptions {
  topology: NetnsTopology;
  ztunnelPath: string;
  /** Holds the XDS file, ZDS sockets and ztunnel logs; keep its path short (socket paths: 108 bytes). */
  workDir: string;
  /** Marks the agents' command lines. */
  runId: string;
  /** The port the app listens on in the workload pod; the service maps port 80 to it. */
  appPort: number;
  /** Default STRICT, as the Kubernetes overlay renders it when the scenario asks for mTLS. */
  peerAuthentication?: PeerAuthenticationMode;
  controlPlane?: AmbientControlPlane;
  /** ztunnel's ZTUNNEL_WORKER_THREADS (its default: 2). */
  workerThreads?: number;
  readyTimeoutMs?: number;
  signal: AbortSignal;
}

export interface NodeProxy {
  node: NodeName;
  netns: string;
  process: ManagedProcess;
  logFile: string;
}

/** A process the procfs collector watches: each ztunnel counts as a node proxy of its node. */
export interface NodeProxyContainer {
  pod: NodeName;
  container: 'ztunnel';
  role: 'node-proxy';
  pid: number;
}

async function logTail(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-8).join(' | ') || '(no output)';
}

export class AmbientDataPlane {
  readonly label = AMBIENT_LABEL;
  readonly nodeProxies: NodeProxy[] = [];
  readonly agents: ManagedProcess[] = [];
  readonly controlPlane: AmbientControlPlane;
  private readonly o: AmbientOptions;
  private stopped: Promise<void> | undefined;

  private constructor(o: AmbientOptions) {
    this.o = o;
    this.controlPlane = o.controlPlane ?? new LocalFileControlPlane();
  }

  static async start(o: AmbientOptions): Promise<AmbientDataPlane> {
    const dp = new AmbientDataPlane(o);
    try {
      await dp.bringUp();
      return dp;
    } catch (error) {
      await dp.stop();
      throw error;
    }
  }

  /** The ztunnels as watched containers (role node-proxy, pod = node name). */
  containers(): NodeProxyContainer[] {
    return this.nodeProxies.map((p) => ({ pod: p.node, container: 'ztunnel', role: 'node-proxy', pid: p.process.pid }));
  }

  /**
   * Calls `onLost` once, when a ztunnel or a ZDS agent ends on its own (a crash, a kill) before
   * stop(): the error names it, how it ended and ztunnel's last log lines. For Deployment.lost.
   */
  watchLoss(onLost: (error: RunError) => void): void {
    let reported = false;
    const watch = (p: ManagedProcess, logFile?: string, graceMs = 0) =>
      void p.exited.then(async (code) => {
        // An agent ends when its ztunnel closes the ZDS connection: the ztunnel's own exit, a
        // moment later or sooner, is the cause to name, so an agent's waits for it.
        if (graceMs > 0) await sleep(graceMs);
        if (this.stopped || reported) return;
        reported = true;
        const tail = logFile ? await logTail(logFile) : p.stderrTail().split('\n').slice(-3).join(' | ') || '(no output)';
        onLost(new RunError({ what: `${p.name} ${describeExit(code)}`, where: 'local platform (istio-ambient)', fix: `its last output: ${tail}; a kill by another process, or an OOM kill (see \`dmesg\`), ends a process this way` }));
      });
    for (const p of this.nodeProxies) watch(p.process, p.logFile);
    for (const a of this.agents) watch(a, undefined, AGENT_LOSS_GRACE_MS);
  }

  metrics(node: NodeName): Promise<Sample[]> {
    return readZtunnelMetrics(this.o.topology.plan.nodes[node].netns);
  }

  /** Each ztunnel's counters; take one before and after a window to show the traffic crossed both. */
  async traffic(): Promise<Record<NodeName, ZtunnelTraffic>> {
    const [a, b] = await Promise.all(NODE_NAMES.map((n) => this.metrics(n)));
    return { 'node-a': ztunnelTraffic(a!), 'node-b': ztunnelTraffic(b!) };
  }

  /** Idempotent: ends ztunnels and agents (SIGTERM, then SIGKILL after a grace) and removes the sockets. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await Promise.all(this.nodeProxies.map((p) => p.process.stop()));
      await Promise.all(this.agents.map((a) => a.stop()));
      await Promise.all(NODE_NAMES.map((n) => rm(this.socketPath(n), { force: true })));
    })();
    return this.stopped;
  }

  private socketPath(node: NodeName): string {
    return join(this.o.workDir, `zds-${node}.sock`);
  }

  private async bringUp(): Promise<void> {
    const { topology, signal } = this.o;
    const plan = topology.plan;
    const readyMs = this.o.readyTimeoutMs ?? 15_000;
    const model = ambientModelFor(plan, this.o.appPort, this.o.peerAuthentication);
    await this.controlPlane.configure(model, this.o.workDir);
    for (const pod of POD_NAMES) {
      signal.throwIfAborted();
      await applyInpodRedirect(plan.pods[pod].netns);
    }

    const snapshots: Promise<true>[] = [];
    for (const node of NODE_NAMES) {
      signal.throwIfAborted();
      const pods = model.workloads.filter((w) => w.node === node);
      const specs = pods.map((w) => `/var/run/netns/${plan.pods[w.pod].netns}:${workloadUid(model, w)}:${w.namespace}/${w.name}/${w.serviceAccount}`);
      const agent = startProcess({ name: `zds-agent-${node}`, command: 'python3', args: [ZDS_AGENT, '--run', this.o.runId, this.socketPath(node), ...specs] });
      this.agents.push(agent);
      await agent.waitForLine((l) => (l.startsWith('LISTENING') ? true : undefined), readyMs, signal);
      // Listen for the ack now: a line nobody waits for is lost.
      const acked = agent.waitForLine((l) => (l === 'SNAPSHOT_ACKED' ? (true as const) : undefined), readyMs, signal);
      acked.catch(() => {}); // awaited below; this only keeps an early failure from being "unhandled"
      snapshots.push(acked);
    }

    signal.throwIfAborted();
    for (const node of NODE_NAMES) this.nodeProxies.push(this.startZtunnel(node));
    for (const [i, acked] of snapshots.entries()) {
      const p = this.nodeProxies[i]!;
      // A ztunnel that exits (a bad config, say) never connects: say so now, not at the agent's timeout.
      const died = p.process.exited.then((code) => Promise.reject(new Error(`it exited (${code})`)));
      await Promise.race([acked, died]).catch(async (cause: unknown) => {
        throw new RunError({ what: `${p.process.name} was not enrolled by its ZDS agent: ${String((cause as Error).message ?? cause)}; ztunnel said: ${await logTail(p.logFile)}`, where: 'local platform (istio-ambient)', fix: 'see the ztunnel log above', cause });
      });
    }
    // Ready only once its ZDS snapshot is acked and its proxies run (ztunnel's own readiness endpoint).
    await Promise.all(this.nodeProxies.map((p) => waitForHttpInNetns(p.netns, 'http://127.0.0.1:15021/healthz/ready', { timeoutMs: readyMs, signal, process: p.process, describeExit: () => logTail(p.logFile) })));
  }

  private startZtunnel(node: NodeName): NodeProxy {
    const netns = this.o.topology.plan.nodes[node].netns;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      RUST_LOG: 'info',
      PROXY_MODE: 'shared',
      INPOD_UDS: this.socketPath(node),
      ...(this.o.workerThreads ? { ZTUNNEL_WORKER_THREADS: String(this.o.workerThreads) } : {}),
      ...this.controlPlane.ztunnelEnv(node),
    };
    const logFile = join(this.o.workDir, `ztunnel-${node}.log`);
    // `sh -c exec`, `ip netns exec` and `env -i` all exec in place: the pid is ztunnel's own.
    const argv = inNetns(netns, 'env', ['-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), this.o.ztunnelPath]);
    const process_ = startProcess({ name: `ztunnel-${node}`, command: 'sh', args: ['-c', 'exec "$@" >"$0" 2>&1', logFile, argv.command, ...argv.args] });
    return { node, netns, process: process_, logFile };
  }
}
