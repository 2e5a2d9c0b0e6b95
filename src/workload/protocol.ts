/**
 * The protocols the sample workload serves and the engines speak. A leaf: the scenario's schema,
 * the workload, the load engines and the platforms all name them.
 *
 * The engines carry the protocol in the target URL's scheme (`http:` for HTTP/1.1, `h2c:`,
 * `grpc:`, `tcp:`), so every path a target takes (loader settings, a pod's environment, a
 * result's engine label) carries it without a field of its own.
 */
export const PROTOCOLS = ['http1', 'h2c', 'grpc', 'tcp'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** The URL scheme (with its colon, as `URL.protocol` has it) that names each protocol to an engine. */
export const SCHEME_OF: Record<Protocol, string> = { http1: 'http:', h2c: 'h2c:', grpc: 'grpc:', tcp: 'tcp:' };

/** The protocol a target URL names; http: and https: are HTTP/1.1. */
export function protocolOfUrl(target: URL): Protocol | undefined {
  if (target.protocol === 'http:' || target.protocol === 'https:') return 'http1';
  const found = PROTOCOLS.find((p) => SCHEME_OF[p] === target.protocol);
  return found;
}

/** The target URL of a workload at host:port speaking `protocol`. */
export function targetUrl(protocol: Protocol, host: string, port: number): URL {
  return new URL(`${SCHEME_OF[protocol].slice(0, -1)}://${host.includes(':') ? `[${host}]` : host}:${port}/`);
}

/** The gRPC method the workload serves: Fortio's own ping, so `fortio load -grpc -ping` drives it too. */
export const GRPC_PING_PATH = '/fgrpc.PingServer/Ping';
