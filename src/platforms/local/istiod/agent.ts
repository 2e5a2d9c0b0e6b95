/**
 * Istio's pilot-agent beside the app in one pod namespace, run as the proxyv2 image runs it, with
 * upstream Envoy as its proxy binary (ProxyConfig `binaryPath`): it fetches the pod's certificate
 * from istiod's CA (SDS), proxies XDS from istiod, writes Envoy's bootstrap and starts Envoy as its
 * child. Outside Kubernetes its paths are relative to its working directory (the image's layout:
 * ./etc/istio/proxy, ./var/lib/istio/envoy, ./var/run/secrets/...), so each pod gets a folder.
 * It runs as gid 1337, which the capture rules leave alone (istio-iptables exempts uid and gid
 * 1337), and so does its Envoy. Before it, a relay in the pod answers 127.0.0.1:15012 and splices
 * each connection to istiod through the control plane's unix socket (control-plane.ts).
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inNetns } from '../netns/exec.ts';
import { startProcess, type ManagedProcess } from '../processes.ts';
import { ISTIOD_SAN } from './control-plane.ts';
import { podLabels, TRUST_DOMAIN } from './objects.ts';

/** Istio's sidecar ports: the agent's status (15020) and readiness (15021), Envoy's admin (15000). */
export const AGENT_PORTS = { xds: 15012, status: 15020, ready: 15021, envoyAdmin: 15000 } as const;
/** istio-iptables' default proxy uid and gid; the agent runs as gid 1337, so it and its Envoy are not captured. */
export const PROXY_GID = 1337;

/**
 * Envoy stats the crossing and mTLS checks read (envoy/stats.ts), which Istio's bootstrap leaves
 * out by default (proxyStatsMatcher): the outbound and inbound clusters, HTTP managers, TCP proxies and listeners.
 */
export const STATS_INCLUSION_PREFIXES = ['cluster.outbound|', 'cluster.inbound|', 'http.outbound_', 'http.inbound_', 'tcp.outbound|', 'tcp.inbound|', 'listener.'];

export interface AgentOptions {
  pod: 'loadgen' | 'workload';
  netns: string;
  ip: string;
  namespace: string;
  /** The pod's folder (the image's layout goes inside). */
  dir: string;
  pilotAgent: string;
  envoyPath: string;
  bootstrapTemplate: string;
  /** istiod's root certificate (configmap istio-ca-root-cert), which the agent checks istiod against. */
  rootCertPem: string;
  /** A service-account token with audience istio-ca (JWT_POLICY=third-party-jwt). */
  token: string;
  meshConfig: string;
  /** The control plane's unix socket for XDS and CA. */
  xdsSocket: string;
  appPort: number;
  concurrency: number;
  /** Names the processes: `istio-proxy-workload-t3`. */
  tag: string;
}

export interface Agent {
  pod: 'loadgen' | 'workload';
  agent: ManagedProcess;
  relay: ManagedProcess;
  logFile: string;
}

// A TCP listener in the pod whose connections go to a unix socket: run by this same Node, no socat needed.
const RELAY_SCRIPT = `
const net = await import('node:net');
const [host, port, path] = process.argv.slice(1);
net.createServer((c) => {
  const u = net.connect(path);
  c.pipe(u).pipe(c);
  const end = () => { c.destroy(); u.destroy(); };
  c.on('error', end).on('close', end); u.on('error', end).on('close', end);
}).listen(Number(port), host, () => console.log('LISTENING'));`;

/** The agent's environment, as Istio's injector sets it for a pod (what applies outside Kubernetes). Pure. */
export function agentEnv(o: Pick<AgentOptions, 'pod' | 'ip' | 'namespace' | 'envoyPath' | 'appPort' | 'concurrency'>): Record<string, string> {
  const proxyConfig = {
    binaryPath: o.envoyPath,
    discoveryAddress: `127.0.0.1:${AGENT_PORTS.xds}`,
    concurrency: o.concurrency,
    proxyStatsMatcher: { inclusionPrefixes: STATS_INCLUSION_PREFIXES },
    // Istio's default is 5 s; a trial's teardown has nothing left to drain, and the stop grace is 2 s.
    terminationDrainDuration: '1s',
  };
  return {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: '/nonexistent',
    POD_NAME: o.pod,
    POD_NAMESPACE: o.namespace,
    INSTANCE_IP: o.ip,
    SERVICE_ACCOUNT: o.pod,
    ISTIO_META_CLUSTER_ID: 'Kubernetes',
    ISTIO_META_MESH_ID: TRUST_DOMAIN,
    TRUST_DOMAIN,
    ISTIO_META_WORKLOAD_NAME: o.pod,
    ISTIO_META_INTERCEPTION_MODE: 'REDIRECT',
    ISTIO_META_APP_CONTAINERS: 'app',
    ...(o.pod === 'workload' ? { ISTIO_META_POD_PORTS: JSON.stringify([{ containerPort: o.appPort, protocol: 'TCP' }]) } : {}),
    PILOT_CERT_PROVIDER: 'istiod',
    JWT_POLICY: 'third-party-jwt',
    // istiod's certificate has no IP SAN; CA_ADDR must stay unset, or the CA client would drop this name.
    ISTIOD_SAN,
    PROXY_CONFIG: JSON.stringify(proxyConfig),
  };
}

/** Lays out the pod's folder, starts the relay and then the agent; the caller waits for readiness. */
export async function startAgent(o: AgentOptions): Promise<Agent> {
  const d = o.dir;
  for (const sub of ['etc/istio/proxy', 'etc/istio/pod', 'var/lib/istio/envoy', 'var/run/secrets/tokens', 'var/run/secrets/istio']) await mkdir(join(d, sub), { recursive: true });
  await copyFile(o.bootstrapTemplate, join(d, 'var/lib/istio/envoy/envoy_bootstrap_tmpl.json'));
  await writeFile(join(d, 'var/run/secrets/istio/root-cert.pem'), o.rootCertPem);
  await writeFile(join(d, 'var/run/secrets/tokens/istio-token'), o.token, { mode: 0o600 });
  await writeFile(join(d, 'etc/istio/pod/labels'), Object.entries(podLabels(o.pod)).map(([k, v]) => `${k}="${v}"\n`).join(''));
  await writeFile(join(d, 'etc/istio/proxy/mesh'), o.meshConfig);

  const relayArgv = inNetns(o.netns, process.execPath, ['--input-type=module', '-e', RELAY_SCRIPT, '127.0.0.1', String(AGENT_PORTS.xds), o.xdsSocket]);
  const relay = startProcess({ name: `istiod-relay-${o.pod}-${o.tag}`, ...relayArgv });
  try {
    await relay.waitForLine((l) => (l === 'LISTENING' ? true : undefined), 10_000, AbortSignal.timeout(15_000));
  } catch (error) {
    await relay.stop();
    throw error;
  }
  const logFile = join(d, 'agent.log');
  const env = Object.entries(agentEnv(o)).map(([k, v]) => `${k}=${v}`);
  // `ip netns exec`, setpriv, sh and env all exec in place: the pid is pilot-agent's own.
  const argv = inNetns(o.netns, 'setpriv', [`--regid=${PROXY_GID}`, '--clear-groups', '--', 'sh', '-c', 'cd "$0" && exec "$@" >agent.log 2>&1', d, 'env', '-i', ...env, o.pilotAgent, 'proxy', 'sidecar', '--meshConfig', './etc/istio/proxy/mesh', '--proxyLogLevel', 'warning']);
  const agent = startProcess({ name: `istio-proxy-${o.pod}-${o.tag}`, ...argv });
  return { pod: o.pod, agent, relay, logFile };
}
