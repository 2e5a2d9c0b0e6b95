/**
 * One pod's Envoy sidecar as a static bootstrap: an outbound listener that the pod's own client
 * reaches (the load generator dials it, or the capture rules send it there) and that calls the peer
 * pod's inbound listener, and an inbound listener in front of the pod's app. Every pod gets both, as
 * a mesh's sidecar does. Settings come from the mesh (EnvoySidecarDefaults); where things listen
 * from the layout. Pure: the same plan renders the same object, and tests compare objects.
 */
import type { EnvoySidecarDefaults } from '../../../meshes/types.ts';
import { carriedAsTcp, type Protocol } from '../../../workload/protocol.ts';

/** Where one end listens or calls. */
export interface Endpoint {
  host: string;
  port: number;
}

export interface PodTls {
  /** This pod's SPIFFE identity (its certificate's URI SAN). */
  spiffeId: string;
  certChainFile: string;
  keyFile: string;
  /** The run's CA: the trust bundle of the trust domain. */
  caFile: string;
}

export interface EnvoyPodPlan {
  /** `loadgen` or `workload`: the pod (and service account) it sits in. */
  pod: string;
  /** Its admin endpoint: always on 127.0.0.1 of the pod. */
  admin: Endpoint;
  inbound: { listen: Endpoint; app: Endpoint };
  outbound: { listen: Endpoint; peer: Endpoint & { pod: string; spiffeId: string | null } };
  /** Mutual TLS between the sidecars: this pod's identity; null for plaintext. */
  tls: PodTls | null;
}

/** The trust domain of every SPIFFE identity a run issues (Istio's default). */
export const TRUST_DOMAIN = 'cluster.local';
export const MESH_NAMESPACE = 'meshbench';

export const spiffeIdOf = (pod: string) => `spiffe://${TRUST_DOMAIN}/ns/${MESH_NAMESPACE}/sa/${pod}`;

/** Names of the parts whose stats tell what crossed this sidecar (envoy/stats.ts reads them). */
export interface EnvoyNames {
  outboundListener: string;
  inboundListener: string;
  outboundCluster: string;
  inboundCluster: string;
  /** http.<prefix>.downstream_rq_completed */
  outboundHttpPrefix: string;
  inboundHttpPrefix: string;
  /** tcp.<prefix>.downstream_cx_total, for what the sidecars carry as TCP (Istio names these after the cluster). */
  outboundTcpPrefix: string;
  inboundTcpPrefix: string;
}

/** As each mesh names them in its own config dumps, so a reader of ours finds the familiar names. */
export function envoyNames(d: EnvoySidecarDefaults, p: EnvoyPodPlan): EnvoyNames {
  const peerHost = `${p.outbound.peer.pod}.${MESH_NAMESPACE}.svc.cluster.local`;
  if (d.naming === 'istio') {
    return {
      outboundListener: 'virtualOutbound',
      inboundListener: 'virtualInbound',
      outboundCluster: `outbound|${p.outbound.peer.port}||${peerHost}`,
      inboundCluster: `inbound|${p.inbound.app.port}||`,
      outboundHttpPrefix: `outbound_0.0.0.0_${p.outbound.peer.port}`,
      inboundHttpPrefix: `inbound_0.0.0.0_${p.inbound.app.port}`,
      outboundTcpPrefix: `outbound|${p.outbound.peer.port}||${peerHost}`,
      inboundTcpPrefix: `inbound|${p.inbound.app.port}||`,
    };
  }
  return {
    outboundListener: `lds_egress_0.0.0.0_${d.ports.outbound}`,
    inboundListener: `lds_ingress_0.0.0.0_${d.ports.inbound}`,
    outboundCluster: `cds_egress_${MESH_NAMESPACE}_${p.outbound.peer.pod}_http_${p.outbound.peer.port}`,
    inboundCluster: `cds_ingress_${MESH_NAMESPACE}_${p.pod}_self_redirect_http_${p.inbound.app.port}`,
    outboundHttpPrefix: 'egress',
    inboundHttpPrefix: 'ingress',
    outboundTcpPrefix: 'egress',
    inboundTcpPrefix: 'ingress',
  };
}

const seconds = (ms: number) => `${ms / 1000}s`;
const address = (e: Endpoint) => ({ socket_address: { address: e.host, port_value: e.port } });
const TLS_PARAMS = { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' };

function certificates(t: PodTls) {
  return [{ certificate_chain: { filename: t.certChainFile }, private_key: { filename: t.keyFile } }];
}

/** Client side: present this pod's identity, accept only the peer's SPIFFE identity. */
function upstreamTls(t: PodTls, peerSpiffeId: string, sni: string) {
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: {
      '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
      sni,
      common_tls_context: {
        tls_params: TLS_PARAMS,
        tls_certificates: certificates(t),
        validation_context: { trusted_ca: { filename: t.caFile }, match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { exact: peerSpiffeId } }] },
      },
    },
  };
}

/** Server side: require a client certificate from the trust domain (Envoy's SPIFFE validator). */
function downstreamTls(t: PodTls) {
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: {
      '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
      require_client_certificate: true,
      common_tls_context: {
        tls_params: TLS_PARAMS,
        tls_certificates: certificates(t),
        validation_context: {
          custom_validator_config: {
            name: 'envoy.tls.cert_validator.spiffe',
            typed_config: {
              '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig',
              trust_domains: [{ name: TRUST_DOMAIN, trust_bundle: { filename: t.caFile } }],
            },
          },
        },
      },
    },
  };
}

function retryPolicy(r: NonNullable<EnvoySidecarDefaults['retry']>) {
  return {
    retry_on: r.retryOn,
    num_retries: r.numRetries,
    retriable_status_codes: [...r.retriableStatusCodes],
    ...(r.previousHosts && {
      retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate' } }],
    }),
    ...(r.hostSelectionRetryMaxAttempts !== null && { host_selection_retry_max_attempts: String(r.hostSelectionRetryMaxAttempts) }),
  };
}

function httpConnectionManager(d: EnvoySidecarDefaults, statPrefix: string, cluster: string, direction: 'inbound' | 'outbound') {
  const route = {
    cluster,
    timeout: seconds(d.routeTimeoutMs),
    // A mesh's retry policy lives on the client side's routes; the inbound side passes requests on once.
    ...(direction === 'outbound' && d.retry && { retry_policy: retryPolicy(d.retry) }),
  };
  return {
    name: 'envoy.filters.network.http_connection_manager',
    typed_config: {
      '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
      stat_prefix: statPrefix,
      codec_type: 'AUTO',
      use_remote_address: false,
      route_config: { name: statPrefix, virtual_hosts: [{ name: statPrefix, domains: ['*'], routes: [{ match: { prefix: '/' }, route }] }] },
      http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } }],
      ...(direction === 'inbound' && d.forwardClientCert && { forward_client_cert_details: 'APPEND_FORWARD', set_current_client_cert_details: { subject: true, dns: true, uri: true } }),
    },
  };
}

/**
 * What the sidecar does with the traffic: an HTTP connection manager for HTTP/1.1, h2c and gRPC
 * (its codec AUTO takes either HTTP version from the client, as Istio's inbound does), a TCP proxy
 * for raw TCP and for the workload's own TLS (https, h2), as Istio does for a port whose protocol is
 * TCP or TLS: a sidecar without the workload's key sees only bytes.
 */
function proxyFilter(d: EnvoySidecarDefaults, protocol: Protocol, n: EnvoyNames, direction: 'inbound' | 'outbound') {
  const [cluster, httpPrefix, tcpPrefix] = direction === 'outbound' ? [n.outboundCluster, n.outboundHttpPrefix, n.outboundTcpPrefix] : [n.inboundCluster, n.inboundHttpPrefix, n.inboundTcpPrefix];
  if (!carriedAsTcp(protocol)) return httpConnectionManager(d, httpPrefix, cluster, direction);
  return {
    name: 'envoy.filters.network.tcp_proxy',
    typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', stat_prefix: tcpPrefix, cluster },
  };
}

/**
 * How a cluster speaks upstream: HTTP/1.1 to an HTTP/1.1 app, HTTP/2 for h2c and gRPC (between the
 * sidecars and to the app, as Istio does for a port declared http2/grpc), nothing for TCP.
 */
function upstreamHttp(d: EnvoySidecarDefaults, protocol: Protocol) {
  if (carriedAsTcp(protocol)) return {};
  return {
    typed_extension_protocol_options: {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
        ...(d.upstreamIdleTimeoutMs !== null && { common_http_protocol_options: { idle_timeout: seconds(d.upstreamIdleTimeoutMs) } }),
        // Neither mesh upgrades a plain http port by default; h2c and gRPC ports are declared HTTP/2.
        explicit_http_config: protocol === 'http1' ? { http_protocol_options: {} } : { http2_protocol_options: {} },
      },
    },
  };
}

function cluster(d: EnvoySidecarDefaults, name: string, to: Endpoint, transportSocket: object | null, protocol: Protocol) {
  const limit = d.circuitBreakerLimit;
  return {
    name,
    type: 'STATIC',
    ...(d.connectTimeoutMs !== null && { connect_timeout: seconds(d.connectTimeoutMs) }),
    lb_policy: 'ROUND_ROBIN',
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: address(to) } }] }] },
    ...(limit !== null && { circuit_breakers: { thresholds: [{ max_connections: limit, max_pending_requests: limit, max_requests: limit, max_retries: limit }] } }),
    ...upstreamHttp(d, protocol),
    ...(transportSocket && { transport_socket: transportSocket }),
  };
}

/** The sidecar's whole static configuration, for the workload's protocol (default HTTP/1.1). */
export function envoyBootstrap(d: EnvoySidecarDefaults, p: EnvoyPodPlan, protocol: Protocol = 'http1'): Record<string, unknown> {
  const n = envoyNames(d, p);
  const { peer } = p.outbound;
  if (p.tls && !peer.spiffeId) throw new Error(`envoyBootstrap: mTLS for pod ${p.pod} needs the peer's SPIFFE identity`);
  const peerHost = `${peer.pod}.${MESH_NAMESPACE}.svc.cluster.local`;
  const upstream = p.tls ? upstreamTls(p.tls, peer.spiffeId!, d.naming === 'istio' ? `outbound_.${peer.port}_._.${peerHost}` : peerHost) : null;
  const node = d.naming === 'istio'
    ? { id: `sidecar~${p.inbound.listen.host}~${p.pod}.${MESH_NAMESPACE}~${MESH_NAMESPACE}.svc.cluster.local`, cluster: `${p.pod}.${MESH_NAMESPACE}` }
    : { id: `mesh/${MESH_NAMESPACE}/virtualNode/${p.pod}`, cluster: `mesh/${MESH_NAMESPACE}/virtualNode/${p.pod}` };
  return {
    node,
    admin: { address: address(p.admin) },
    static_resources: {
      listeners: [
        {
          name: n.outboundListener,
          stat_prefix: n.outboundListener,
          address: address(p.outbound.listen),
          filter_chains: [{ filters: [proxyFilter(d, protocol, n, 'outbound')] }],
        },
        {
          name: n.inboundListener,
          stat_prefix: n.inboundListener,
          address: address(p.inbound.listen),
          filter_chains: [{ filters: [proxyFilter(d, protocol, n, 'inbound')], ...(p.tls && { transport_socket: downstreamTls(p.tls) }) }],
        },
      ],
      clusters: [cluster(d, n.outboundCluster, peer, upstream, protocol), cluster(d, n.inboundCluster, p.inbound.app, null, protocol)],
    },
  };
}

/** Envoy's command line: concurrency only when the mesh sets it (App Mesh leaves it to Envoy: one worker per core). */
export function envoyArgs(d: EnvoySidecarDefaults, configFile: string): string[] {
  return [
    '-c', configFile,
    // Several Envoys share this host: hot restart's shared memory would collide between them.
    '--disable-hot-restart',
    '--log-level', 'warning',
    ...(d.concurrency === null ? [] : ['--concurrency', String(d.concurrency)]),
  ];
}
