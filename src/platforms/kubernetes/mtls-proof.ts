/**
 * Mutual TLS proven from the mesh's own proxies before a trial counts. A PeerAuthentication that
 * says STRICT is a request; what the proxies counted is what happened. Read through the API
 * server's pod proxy, like the kubelet's figures, so it works on any cluster meshbench can reach:
 *   - istio (sidecars): the workload's Envoy, `:15090/stats/prometheus`: TLS handshakes on its
 *     inbound listener (port 15006), none of them without a client certificate. Istio's bootstrap
 *     keeps these stats only when asked (proxyStatsMatcher, set by meshes/istio.ts on the pods).
 *   - istio-ambient: each ztunnel the trial used, `:15020/metrics`: connections it opened with
 *     connection_security_policy="mutual_tls", counted over the trial (ztunnel outlives trials).
 */
import type { KubernetesContainer } from '../types.ts';
import type { KubeClient } from './client.ts';

/** One Prometheus text sample: name, raw label text, value. */
interface Sample {
  name: string;
  labels: string;
  value: number;
}

export function samples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m) out.push({ name: m[1]!, labels: m[2] ?? '', value: Number(m[3]) });
  }
  return out;
}

const sum = (xs: Sample[]) => xs.reduce((a, s) => a + (Number.isFinite(s.value) ? s.value : 0), 0);

/** Inbound TLS handshakes of an Istio sidecar's Envoy, and those without a client certificate. */
export function envoyInboundTls(text: string): { handshakes: number; noClientCert: number } {
  const inbound = samples(text).filter((s) => s.labels.includes('15006'));
  return {
    handshakes: sum(inbound.filter((s) => s.name === 'envoy_listener_ssl_handshake')),
    noClientCert: sum(inbound.filter((s) => s.name === 'envoy_listener_ssl_no_certificate')),
  };
}

/** Connections a ztunnel opened under mutual TLS (both directions it reports). */
export function ztunnelMutualTlsConnections(text: string): number {
  return sum(samples(text).filter((s) => s.name === 'istio_tcp_connections_opened_total' && /connection_security_policy="mutual_tls"/.test(s.labels)));
}

export type MtlsCounters = Map<string, number>;

const statsPath = (c: KubernetesContainer) =>
  c.role === 'node-proxy' ? `/api/v1/namespaces/${c.namespace}/pods/${c.pod}:15020/proxy/metrics` : `/api/v1/namespaces/${c.namespace}/pods/${c.pod}:15090/proxy/stats/prometheus`;

/** The proxies whose stats prove mTLS for a mesh: the workload's sidecars, or the ztunnels; none for other meshes. */
export function mtlsWitnesses(mesh: string, containers: readonly KubernetesContainer[]): KubernetesContainer[] {
  if (mesh === 'istio') return containers.filter((c) => c.role === 'sidecar' && c.pod.startsWith('workload'));
  if (mesh === 'istio-ambient') return containers.filter((c) => c.role === 'node-proxy');
  return [];
}

/** Each witness's mutual-TLS count now (handshakes with a client certificate, or ztunnel's mTLS connections). */
export async function readMtls(client: KubeClient, witnesses: readonly KubernetesContainer[], signal?: AbortSignal): Promise<{ counts: MtlsCounters; noClientCert: number; istioTelemetry: boolean | null }> {
  const counts: MtlsCounters = new Map();
  let noClientCert = 0;
  let istioTelemetry: boolean | null = null;
  for (const c of witnesses) {
    const text = await client.getText(statsPath(c), {}, signal);
    if (c.role === 'node-proxy') counts.set(`${c.namespace}/${c.pod}`, ztunnelMutualTlsConnections(text));
    else {
      const tls = envoyInboundTls(text);
      counts.set(`${c.namespace}/${c.pod}`, tls.handshakes - tls.noClientCert);
      noClientCert += tls.noClientCert;
      // Istio's own proxy, with its telemetry on, reports istio_* metrics here (istio.stats filter); upstream Envoy has no such filter.
      istioTelemetry = (istioTelemetry ?? false) || samples(text).some((s) => s.name.startsWith('istio_'));
    }
  }
  return { counts, noClientCert, istioTelemetry };
}

/** What a sidecar's own stats say of Istio's telemetry filters, for the environment. */
export function telemetryText(present: boolean): string {
  return present
    ? "present: the workload sidecar's stats carry istio_* metrics (Istio's telemetry filters ran)"
    : "absent: no istio_* metric in the workload sidecar's stats, so these sidecars ran without Istio's telemetry filters (upstream Envoy, or Istio's telemetry turned off); Istio's own proxy with its defaults does that work too";
}

/** What the stats showed over the trial, or why they do not prove mutual TLS. */
export function judgeMtls(mesh: string, before: MtlsCounters, after: { counts: MtlsCounters; noClientCert: number }): { proven: boolean; text: string } {
  let grew = 0;
  for (const [k, v] of after.counts) grew += v - (before.get(k) ?? 0);
  const what = mesh === 'istio' ? 'inbound TLS handshakes with a client certificate at the workload\'s sidecar' : 'connections opened under mutual TLS by the ztunnels the trial used';
  if (after.noClientCert > 0) return { proven: false, text: `the workload's sidecar accepted ${after.noClientCert} TLS handshake(s) without a client certificate: not mutual TLS` };
  if (grew <= 0) return { proven: false, text: `the proxies' own stats show no ${what} during the trial` };
  return { proven: true, text: `${grew} ${what} (the proxies' own stats)` };
}
