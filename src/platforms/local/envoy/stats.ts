/**
 * Envoy's own word on what crossed it: counters from its admin endpoint (`GET /stats`, text format
 * `name: value`), read before and after the load. A trial whose requests did not cross both
 * sidecars fails, and so does an mTLS trial whose upstream connections were not TLS to the peer's
 * SPIFFE identity: the same rule as ztunnel's counters for istio-ambient.
 */
import type { EnvoyNames } from './bootstrap.ts';

/** Parses `/stats` text output: counters and gauges; histogram lines (not numbers) are skipped. Pure. */
export function parseEnvoyStats(text: string): Map<string, number> {
  const stats = new Map<string, number>();
  for (const line of text.split('\n')) {
    const at = line.lastIndexOf(': ');
    if (at <= 0) continue;
    const value = Number(line.slice(at + 2));
    if (Number.isFinite(value)) stats.set(line.slice(0, at), value);
  }
  return stats;
}

/** What one sidecar carried so far, from its own counters. */
export interface SidecarTraffic {
  /** Requests its outbound listener completed (from its own pod's client). */
  outboundRequests: number;
  /** Requests its outbound cluster sent to the peer's sidecar, and the connections it opened there. */
  upstreamRequests: number;
  upstreamConnections: number;
  /** TLS handshakes on those connections; each one verified the peer's SPIFFE identity (bootstrap.ts). */
  upstreamTlsHandshakes: number;
  /** Handshakes refused because the peer's certificate had another identity. */
  upstreamSanMismatches: number;
  /** Requests its inbound listener completed (towards its own app). */
  inboundRequests: number;
  /** TLS handshakes its inbound listener completed with a client certificate. */
  inboundTlsHandshakes: number;
}

/**
 * One sidecar's counters. `tcp`: its TCP proxies count connections, not requests, so the
 * "requests" are the connections they carried (a raw TCP stream has no requests Envoy can see).
 */
export function sidecarTraffic(stats: ReadonlyMap<string, number>, n: EnvoyNames, tcp = false): SidecarTraffic {
  const get = (name: string) => stats.get(name) ?? 0;
  if (tcp) {
    return {
      outboundRequests: get(`tcp.${n.outboundTcpPrefix}.downstream_cx_total`),
      upstreamRequests: get(`cluster.${n.outboundCluster}.upstream_cx_total`),
      upstreamConnections: get(`cluster.${n.outboundCluster}.upstream_cx_total`),
      upstreamTlsHandshakes: get(`cluster.${n.outboundCluster}.ssl.handshake`),
      upstreamSanMismatches: get(`cluster.${n.outboundCluster}.ssl.fail_verify_san`),
      inboundRequests: get(`tcp.${n.inboundTcpPrefix}.downstream_cx_total`),
      inboundTlsHandshakes: get(`listener.${n.inboundListener}.ssl.handshake`),
    };
  }
  return {
    outboundRequests: get(`http.${n.outboundHttpPrefix}.downstream_rq_completed`),
    upstreamRequests: get(`cluster.${n.outboundCluster}.upstream_rq_completed`),
    upstreamConnections: get(`cluster.${n.outboundCluster}.upstream_cx_total`),
    upstreamTlsHandshakes: get(`cluster.${n.outboundCluster}.ssl.handshake`),
    upstreamSanMismatches: get(`cluster.${n.outboundCluster}.ssl.fail_verify_san`),
    inboundRequests: get(`http.${n.inboundHttpPrefix}.downstream_rq_completed`),
    inboundTlsHandshakes: get(`listener.${n.inboundListener}.ssl.handshake`),
  };
}

const delta = (after: SidecarTraffic, before: SidecarTraffic): SidecarTraffic =>
  Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof SidecarTraffic]])) as unknown as SidecarTraffic;

export interface TrafficWindow {
  /** The client pod's sidecar (the load generator's) and the server pod's (the workload's). */
  client: { before: SidecarTraffic; after: SidecarTraffic };
  server: { before: SidecarTraffic; after: SidecarTraffic };
}

/** The reason every such failure starts with: the phrase users and tests look for. */
export const NOT_CROSSED = 'requests did not cross the sidecar (Envoy stats)';

/**
 * Why the counters do not show the load crossing both sidecars (with mTLS when `mtls`), or null
 * when they do. Crossing: in the window, the client sidecar's outbound listener and cluster and the
 * server sidecar's inbound listener each completed at least `minRequests` requests. Security is
 * read from the totals, since a connection the health check opened before the window may carry the
 * whole load: mTLS, the client's cluster completed TLS handshakes (each verified the peer's SPIFFE
 * identity) and the server's listener handshakes with a client certificate; plaintext, the client's
 * cluster opened connections and completed no handshake. Pure.
 */
export function missingCrossing(w: TrafficWindow, mtls: boolean, minRequests = 1): string | null {
  const c = delta(w.client.after, w.client.before);
  const s = delta(w.server.after, w.server.before);
  const counts = `client sidecar: ${c.outboundRequests} outbound request(s), ${c.upstreamRequests} sent upstream; server sidecar: ${s.inboundRequests} inbound request(s)`;
  if (c.outboundRequests < minRequests || c.upstreamRequests < minRequests || s.inboundRequests < minRequests) {
    return `${NOT_CROSSED}: ${counts} while the loader ran, fewer than ${minRequests}`;
  }
  const client = w.client.after;
  const server = w.server.after;
  if (mtls && (client.upstreamTlsHandshakes < 1 || server.inboundTlsHandshakes < 1)) {
    const mismatch = client.upstreamSanMismatches > 0 ? `, ${client.upstreamSanMismatches} refused for another identity` : '';
    return `${NOT_CROSSED} over mutual TLS: the client sidecar completed ${client.upstreamTlsHandshakes} TLS handshake(s) with the peer's SPIFFE identity${mismatch}, the server sidecar ${server.inboundTlsHandshakes} with a client certificate (${counts})`;
  }
  if (!mtls && (client.upstreamConnections < 1 || client.upstreamTlsHandshakes > 0)) {
    return `the sidecars did not speak plaintext, the mesh's default: the client sidecar opened ${client.upstreamConnections} upstream connection(s) with ${client.upstreamTlsHandshakes} TLS handshake(s)`;
  }
  return null;
}
