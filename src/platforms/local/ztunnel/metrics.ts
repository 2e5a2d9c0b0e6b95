/** ztunnel's Prometheus metrics (:15020/metrics in its node namespace), read and summed. */
import { fetchInNetns } from '../netns/exec.ts';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format's sample lines (comments and blank lines skipped). Pure. */
export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || line.startsWith('#')) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, '$1');
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** Sum of every sample named `name` whose labels include all of `match`. */
export function sumOf(samples: readonly Sample[], name: string, match: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);
}

export async function readZtunnelMetrics(nodeNetns: string): Promise<Sample[]> {
  const text = await fetchInNetns(nodeNetns, 'http://127.0.0.1:15020/metrics');
  if (text === undefined) throw new Error(`ztunnel metrics in ${nodeNetns} did not answer`);
  return parsePrometheus(text);
}

/** What one ztunnel has carried so far, from its own counters: the evidence that traffic crossed it. */
export interface ZtunnelTraffic {
  /** Connections it opened as the client side (reporter="source") and accepted as the server side. */
  connectionsOpened: { source: number; destination: number };
  /** Of those, the ones over mutual TLS (connection_security_policy="mutual_tls"). */
  mutualTlsConnectionsOpened: { source: number; destination: number };
  sentBytes: number;
  receivedBytes: number;
}

export function ztunnelTraffic(samples: readonly Sample[]): ZtunnelTraffic {
  const opened = (reporter: string, extra: Record<string, string> = {}) => sumOf(samples, 'istio_tcp_connections_opened_total', { reporter, ...extra });
  const mtls = { connection_security_policy: 'mutual_tls' };
  return {
    connectionsOpened: { source: opened('source'), destination: opened('destination') },
    mutualTlsConnectionsOpened: { source: opened('source', mtls), destination: opened('destination', mtls) },
    sentBytes: sumOf(samples, 'istio_tcp_sent_bytes_total'),
    receivedBytes: sumOf(samples, 'istio_tcp_received_bytes_total'),
  };
}

/**
 * Why the counters do not show a load's traffic crossing both ztunnels over mutual TLS, or null
 * when they do: between `before` and `after`, ztunnel A (the loader's node) must have opened, as
 * the client side, and ztunnel B (the workload's node) accepted, as the server side, at least
 * `minConnections` mTLS connections each (the loader's own). Pure.
 */
export function missingMutualTls(before: Record<'node-a' | 'node-b', ZtunnelTraffic>, after: Record<'node-a' | 'node-b', ZtunnelTraffic>, minConnections: number): string | null {
  const outbound = after['node-a'].mutualTlsConnectionsOpened.source - before['node-a'].mutualTlsConnectionsOpened.source;
  const inbound = after['node-b'].mutualTlsConnectionsOpened.destination - before['node-b'].mutualTlsConnectionsOpened.destination;
  if (outbound >= minConnections && inbound >= minConnections) return null;
  return `ztunnel node-a opened ${outbound} and ztunnel node-b accepted ${inbound} mutual-TLS connection(s) while the loader ran, fewer than its ${minConnections} connection(s)`;
}
