/**
 * The protocols the sample workload serves and the engines speak. A leaf: the scenario's schema,
 * the workload, the load engines and the platforms all name them.
 *
 * The engines carry the protocol in the target URL's scheme (`http:` for HTTP/1.1, `h2c:`,
 * `grpc:`, `tcp:`), so every path a target takes (loader settings, a pod's environment, a
 * result's engine label) carries it without a field of its own.
 */
export const PROTOCOLS = ['http1', 'h2c', 'grpc', 'tcp', 'https', 'h2'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** The URL scheme (with its colon, as `URL.protocol` has it) that names each protocol to an engine: `https:` HTTP/1.1 over TLS, `h2:` HTTP/2 over TLS. */
export const SCHEME_OF: Record<Protocol, string> = { http1: 'http:', h2c: 'h2c:', grpc: 'grpc:', tcp: 'tcp:', https: 'https:', h2: 'h2:' };

/** The protocol a target URL names. */
export function protocolOfUrl(target: URL): Protocol | undefined {
  return PROTOCOLS.find((p) => SCHEME_OF[p] === target.protocol);
}

/** Whether `url` is a target the engines speak; `TARGET_SCHEMES` names them for messages ("http://, https://, ..."). */
export const isTargetUrl = (url: unknown): boolean => typeof url === 'string' && URL.canParse(url) && protocolOfUrl(new URL(url)) !== undefined;
export const TARGET_SCHEMES = Object.values(SCHEME_OF).map((s) => `${s}//`).join(', ');

/** Whether the workload itself speaks TLS (its own certificate, apart from any mesh's mTLS). */
export const speaksTls = (p: Protocol): p is 'https' | 'h2' => p === 'https' || p === 'h2';

/**
 * Whether a sidecar can only carry the protocol as bytes: raw TCP, and the workload's own TLS,
 * which a proxy without the workload's key cannot read (so its HTTP features do not apply).
 */
export const carriedAsTcp = (p: Protocol): boolean => p === 'tcp' || speaksTls(p);

/**
 * What a loader trusts to reach a TLS workload: the run's throwaway CA, in PEM, and the name the
 * workload's certificate must carry (checked as a browser would; the address dialled may be an IP).
 */
export interface WorkloadTrust {
  caPem: string;
  serverName: string;
}

/**
 * The name of the port a mesh is told the workload's protocol by: Istio reads a port name's prefix
 * (`http`, `http2`, `grpc`, `tcp`, `https`) when nothing else says it. The same on Kubernetes (the
 * Service) and on the local platform under istiod (the ServiceEntry).
 */
export const MESH_PORT_NAME: Record<Protocol, string> = { http1: 'http', h2c: 'http2', grpc: 'grpc', tcp: 'tcp', https: 'https', h2: 'https-h2' };

/** The target URL of a workload at host:port speaking `protocol`. */
export function targetUrl(protocol: Protocol, host: string, port: number): URL {
  return new URL(`${SCHEME_OF[protocol].slice(0, -1)}://${host.includes(':') ? `[${host}]` : host}:${port}/`);
}

/** The gRPC method the workload serves: Fortio's own ping, so `fortio load -grpc -ping` drives it too. */
export const GRPC_PING_PATH = '/fgrpc.PingServer/Ping';
