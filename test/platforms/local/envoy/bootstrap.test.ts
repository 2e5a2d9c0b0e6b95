/** The Envoy bootstraps are pure functions of the mesh's defaults and the pod's plan: compared as objects. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { APPMESH_ENVOY_DEFAULTS } from '../../../../src/meshes/appmesh.ts';
import { ISTIO_ENVOY_DEFAULTS } from '../../../../src/meshes/istio.ts';
import { envoyArgs, envoyBootstrap, envoyNames, type EnvoyPodPlan } from '../../../../src/platforms/local/envoy/bootstrap.ts';

const tls = { spiffeId: 'spiffe://cluster.local/ns/meshbench/sa/loadgen', certChainFile: '/w/loadgen.crt', keyFile: '/w/loadgen.key', caFile: '/w/ca.crt' };
const plan: EnvoyPodPlan = {
  pod: 'loadgen',
  admin: { host: '127.0.0.1', port: 15000 },
  inbound: { listen: { host: '0.0.0.0', port: 15006 }, app: { host: '127.0.0.1', port: 8080 } },
  outbound: { listen: { host: '0.0.0.0', port: 15001 }, peer: { pod: 'workload', host: '198.18.2.2', port: 8080, spiffeId: 'spiffe://cluster.local/ns/meshbench/sa/workload' } },
  tls,
};
const router = { name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } };
const hcm = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const endpoint = (address: string, port: number) => [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address, port_value: port } } } }] }];
const httpOptions = (idle: object) => ({
  'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': { '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions', ...idle, explicit_http_config: { http_protocol_options: {} } },
});

test('istio: both listeners, mutual TLS to the peer\'s SPIFFE identity, Istio\'s retry policy and no route timeout', () => {
  const limits = { max_connections: 4294967295, max_pending_requests: 4294967295, max_requests: 4294967295, max_retries: 4294967295 };
  assert.equal(envoyBootstrap(ISTIO_ENVOY_DEFAULTS, plan), {
    node: { id: 'sidecar~0.0.0.0~loadgen.meshbench~meshbench.svc.cluster.local', cluster: 'loadgen.meshbench' },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: 15000 } } },
    static_resources: {
      listeners: [
        {
          name: 'virtualOutbound',
          stat_prefix: 'virtualOutbound',
          address: { socket_address: { address: '0.0.0.0', port_value: 15001 } },
          filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: {
            '@type': hcm, stat_prefix: 'outbound_0.0.0.0_8080', codec_type: 'AUTO', use_remote_address: false,
            route_config: { name: 'outbound_0.0.0.0_8080', virtual_hosts: [{ name: 'outbound_0.0.0.0_8080', domains: ['*'], routes: [{ match: { prefix: '/' }, route: {
              cluster: 'outbound|8080||workload.meshbench.svc.cluster.local',
              timeout: '0s',
              retry_policy: {
                retry_on: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes', num_retries: 2, retriable_status_codes: [503],
                retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate' } }],
                host_selection_retry_max_attempts: '5',
              },
            } }] }] },
            http_filters: [router],
          } }] }],
        },
        {
          name: 'virtualInbound',
          stat_prefix: 'virtualInbound',
          address: { socket_address: { address: '0.0.0.0', port_value: 15006 } },
          filter_chains: [{
            filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: {
              '@type': hcm, stat_prefix: 'inbound_0.0.0.0_8080', codec_type: 'AUTO', use_remote_address: false,
              route_config: { name: 'inbound_0.0.0.0_8080', virtual_hosts: [{ name: 'inbound_0.0.0.0_8080', domains: ['*'], routes: [{ match: { prefix: '/' }, route: { cluster: 'inbound|8080||', timeout: '0s' } }] }] },
              http_filters: [router],
              forward_client_cert_details: 'APPEND_FORWARD',
              set_current_client_cert_details: { subject: true, dns: true, uri: true },
            } }],
            transport_socket: { name: 'envoy.transport_sockets.tls', typed_config: {
              '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext',
              require_client_certificate: true,
              common_tls_context: {
                tls_params: { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' },
                tls_certificates: [{ certificate_chain: { filename: '/w/loadgen.crt' }, private_key: { filename: '/w/loadgen.key' } }],
                validation_context: { custom_validator_config: { name: 'envoy.tls.cert_validator.spiffe', typed_config: {
                  '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig',
                  trust_domains: [{ name: 'cluster.local', trust_bundle: { filename: '/w/ca.crt' } }],
                } } },
              },
            } },
          }],
        },
      ],
      clusters: [
        {
          name: 'outbound|8080||workload.meshbench.svc.cluster.local', type: 'STATIC', connect_timeout: '10s', lb_policy: 'ROUND_ROBIN',
          load_assignment: { cluster_name: 'outbound|8080||workload.meshbench.svc.cluster.local', endpoints: endpoint('198.18.2.2', 8080) },
          circuit_breakers: { thresholds: [limits] },
          typed_extension_protocol_options: httpOptions({ common_http_protocol_options: { idle_timeout: '3600s' } }),
          transport_socket: { name: 'envoy.transport_sockets.tls', typed_config: {
            '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
            sni: 'outbound_.8080_._.workload.meshbench.svc.cluster.local',
            common_tls_context: {
              tls_params: { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' },
              tls_certificates: [{ certificate_chain: { filename: '/w/loadgen.crt' }, private_key: { filename: '/w/loadgen.key' } }],
              validation_context: { trusted_ca: { filename: '/w/ca.crt' }, match_typed_subject_alt_names: [{ san_type: 'URI', matcher: { exact: 'spiffe://cluster.local/ns/meshbench/sa/workload' } }] },
            },
          } },
        },
        {
          name: 'inbound|8080||', type: 'STATIC', connect_timeout: '10s', lb_policy: 'ROUND_ROBIN',
          load_assignment: { cluster_name: 'inbound|8080||', endpoints: endpoint('127.0.0.1', 8080) },
          circuit_breakers: { thresholds: [limits] },
          typed_extension_protocol_options: httpOptions({ common_http_protocol_options: { idle_timeout: '3600s' } }),
        },
      ],
    },
  });
});

test('appmesh: plaintext, App Mesh\'s names, 15 s route timeouts, its retry policy on the egress route only, Envoy\'s connect timeout', () => {
  const b = envoyBootstrap(APPMESH_ENVOY_DEFAULTS, { ...plan, admin: { host: '127.0.0.1', port: 9901 }, inbound: { ...plan.inbound, listen: { host: '0.0.0.0', port: 15000 } }, tls: null }) as {
    node: unknown;
    static_resources: { listeners: { name: string; filter_chains: { filters: { typed_config: { stat_prefix: string; route_config: { virtual_hosts: { routes: { route: unknown }[] }[] } } }[]; transport_socket?: unknown }[] }[]; clusters: Record<string, unknown>[] };
  };
  assert.equal(b.node, { id: 'mesh/meshbench/virtualNode/loadgen', cluster: 'mesh/meshbench/virtualNode/loadgen' });
  const [egress, ingress] = b.static_resources.listeners;
  assert.equal([egress!.name, ingress!.name], ['lds_egress_0.0.0.0_15001', 'lds_ingress_0.0.0.0_15000']);
  const route = (l: typeof egress) => l!.filter_chains[0]!.filters[0]!.typed_config.route_config.virtual_hosts[0]!.routes[0]!.route;
  assert.equal(route(egress), {
    cluster: 'cds_egress_meshbench_workload_http_8080',
    timeout: '15s',
    retry_policy: { retry_on: 'connect-failure,refused-stream,reset,retriable-status-codes', num_retries: 2, retriable_status_codes: [503] },
  });
  assert.equal(route(ingress), { cluster: 'cds_ingress_meshbench_loadgen_self_redirect_http_8080', timeout: '15s' });
  assert.is(ingress!.filter_chains[0]!.transport_socket, undefined);
  const [out, inb] = b.static_resources.clusters;
  assert.is(out!.transport_socket, undefined);
  assert.is(out!.connect_timeout, undefined, 'Envoy\'s own 5 s default');
  assert.equal(inb!.circuit_breakers, { thresholds: [{ max_connections: 2147483647, max_pending_requests: 2147483647, max_requests: 2147483647, max_retries: 2147483647 }] });
  assert.equal(inb!.typed_extension_protocol_options, httpOptions({}));
});

test('the stat names a trial reads are the ones the bootstrap sets', () => {
  assert.equal(envoyNames(ISTIO_ENVOY_DEFAULTS, plan), {
    outboundListener: 'virtualOutbound', inboundListener: 'virtualInbound',
    outboundCluster: 'outbound|8080||workload.meshbench.svc.cluster.local', inboundCluster: 'inbound|8080||',
    outboundHttpPrefix: 'outbound_0.0.0.0_8080', inboundHttpPrefix: 'inbound_0.0.0.0_8080',
    // A TCP proxy's, as Istio names them: after the cluster.
    outboundTcpPrefix: 'outbound|8080||workload.meshbench.svc.cluster.local', inboundTcpPrefix: 'inbound|8080||',
  });
  assert.is(envoyNames(APPMESH_ENVOY_DEFAULTS, plan).outboundHttpPrefix, 'egress');
});

test('command line: Istio pins 2 workers; App Mesh leaves concurrency to Envoy (one per core)', () => {
  assert.equal(envoyArgs(ISTIO_ENVOY_DEFAULTS, '/w/b.json'), ['-c', '/w/b.json', '--disable-hot-restart', '--log-level', 'warning', '--concurrency', '2']);
  assert.equal(envoyArgs(APPMESH_ENVOY_DEFAULTS, '/w/b.json'), ['-c', '/w/b.json', '--disable-hot-restart', '--log-level', 'warning']);
});

test('mTLS without the peer\'s identity is a bug, said at once', () => {
  assert.throws(() => envoyBootstrap(ISTIO_ENVOY_DEFAULTS, { ...plan, outbound: { ...plan.outbound, peer: { ...plan.outbound.peer, spiffeId: null } } }), /needs the peer's SPIFFE identity/);
});

test.run();

test('h2c and grpc: the same HTTP listeners (codec AUTO takes HTTP/2 from the client), HTTP/2 upstream on both clusters', () => {
  const http1 = envoyBootstrap(ISTIO_ENVOY_DEFAULTS, plan) as { static_resources: { listeners: unknown[]; clusters: Record<string, unknown>[] } };
  for (const protocol of ['h2c', 'grpc'] as const) {
    const b = envoyBootstrap(ISTIO_ENVOY_DEFAULTS, plan, protocol) as typeof http1;
    assert.equal(b.static_resources.listeners, http1.static_resources.listeners);
    for (const c of b.static_resources.clusters) {
      const options = (c.typed_extension_protocol_options as Record<string, { explicit_http_config: unknown }>)['envoy.extensions.upstreams.http.v3.HttpProtocolOptions']!;
      assert.equal(options.explicit_http_config, { http2_protocol_options: {} }, `${protocol} ${String(c.name)}`);
    }
    // Only the upstream protocol differs from HTTP/1.1: TLS, endpoints and limits stay.
    const strip = (cs: Record<string, unknown>[]) => cs.map(({ typed_extension_protocol_options: _o, ...rest }) => rest);
    assert.equal(strip(b.static_resources.clusters), strip(http1.static_resources.clusters));
  }
});

test('tcp, and the workload\'s own TLS (https, h2): a TCP proxy on both listeners (mTLS kept on the inbound one), clusters without HTTP options', () => {
  for (const protocol of ['https', 'h2'] as const) assert.equal(envoyBootstrap(ISTIO_ENVOY_DEFAULTS, plan, protocol), envoyBootstrap(ISTIO_ENVOY_DEFAULTS, plan, 'tcp'), `${protocol} is carried as tcp`);
  const b = envoyBootstrap(ISTIO_ENVOY_DEFAULTS, plan, 'tcp') as { static_resources: { listeners: { filter_chains: { filters: unknown[]; transport_socket?: unknown }[] }[]; clusters: Record<string, unknown>[] } };
  const [outbound, inbound] = b.static_resources.listeners;
  const tcpProxy = (prefix: string, cluster: string) => ({ name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', stat_prefix: prefix, cluster } });
  assert.equal(outbound!.filter_chains[0]!.filters, [tcpProxy('outbound|8080||workload.meshbench.svc.cluster.local', 'outbound|8080||workload.meshbench.svc.cluster.local')]);
  assert.equal(inbound!.filter_chains[0]!.filters, [tcpProxy('inbound|8080||', 'inbound|8080||')]);
  assert.ok(inbound!.filter_chains[0]!.transport_socket, 'the inbound listener still requires mTLS');
  for (const c of b.static_resources.clusters) assert.not.ok('typed_extension_protocol_options' in c, String(c.name));
  assert.ok(b.static_resources.clusters[0]!.transport_socket, 'the outbound cluster still speaks mTLS to the peer');
});
