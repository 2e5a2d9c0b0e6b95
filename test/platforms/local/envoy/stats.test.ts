/** Reading Envoy's counters and deciding what they prove: pure, on text as Envoy's admin /stats writes it. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ISTIO_ENVOY_DEFAULTS } from '../../../../src/meshes/istio.ts';
import { envoyNames } from '../../../../src/platforms/local/envoy/bootstrap.ts';
import { missingCrossing, NOT_CROSSED, parseEnvoyStats, sidecarTraffic, type SidecarTraffic } from '../../../../src/platforms/local/envoy/stats.ts';

const names = envoyNames(ISTIO_ENVOY_DEFAULTS, {
  pod: 'loadgen',
  admin: { host: '127.0.0.1', port: 15000 },
  inbound: { listen: { host: '0.0.0.0', port: 15006 }, app: { host: '127.0.0.1', port: 8080 } },
  outbound: { listen: { host: '0.0.0.0', port: 15001 }, peer: { pod: 'workload', host: '198.18.2.2', port: 8080, spiffeId: 'spiffe://cluster.local/ns/meshbench/sa/workload' } },
  tls: null,
});

test('parses counters and gauges, skips histograms; cluster names with | and dots stay whole', () => {
  const stats = parseEnvoyStats([
    'cluster.outbound|8080||workload.meshbench.svc.cluster.local.ssl.handshake: 3',
    'cluster.outbound|8080||workload.meshbench.svc.cluster.local.upstream_rq_completed: 120',
    'cluster.outbound|8080||workload.meshbench.svc.cluster.local.upstream_cx_total: 3',
    'http.outbound_0.0.0.0_8080.downstream_rq_completed: 121',
    'listener.virtualInbound.ssl.handshake: 2',
    'http.inbound_0.0.0.0_8080.downstream_rq_completed: 7',
    'cluster.inbound|8080||.upstream_cx_connect_ms: P0(nan,0) P25(nan,0)',
    'http.admin.downstream_cx_length_ms: No recorded values',
    '',
  ].join('\n'));
  assert.is(stats.size, 6);
  assert.equal(sidecarTraffic(stats, names), {
    outboundRequests: 121, upstreamRequests: 120, upstreamConnections: 3, upstreamTlsHandshakes: 3, upstreamSanMismatches: 0, inboundRequests: 7, inboundTlsHandshakes: 2,
  });
});

const zero: SidecarTraffic = { outboundRequests: 0, upstreamRequests: 0, upstreamConnections: 0, upstreamTlsHandshakes: 0, upstreamSanMismatches: 0, inboundRequests: 0, inboundTlsHandshakes: 0 };
/** The health check crossed both before the window (one TLS connection each side). */
const healthChecked = { client: { ...zero, outboundRequests: 1, upstreamRequests: 1, upstreamConnections: 1, upstreamTlsHandshakes: 1 }, server: { ...zero, inboundRequests: 1, inboundTlsHandshakes: 1 } };

test('crossed with mTLS: requests on both sidecars in the window, handshakes on the connection the health check opened', () => {
  const after = { client: { ...healthChecked.client, outboundRequests: 501, upstreamRequests: 501 }, server: { ...healthChecked.server, inboundRequests: 501 } };
  assert.is(missingCrossing({ client: { before: healthChecked.client, after: after.client }, server: { before: healthChecked.server, after: after.server } }, true), null);
});

test('a bypassed client sidecar: the reason names the sidecar and its counts', () => {
  const after = { ...healthChecked.server, inboundRequests: 501 };
  const why = missingCrossing({ client: { before: healthChecked.client, after: healthChecked.client }, server: { before: healthChecked.server, after } }, true);
  assert.is(why, `${NOT_CROSSED}: client sidecar: 0 outbound request(s), 0 sent upstream; server sidecar: 500 inbound request(s) while the loader ran, fewer than 1`);
  assert.ok(why!.startsWith('requests did not cross the sidecar (Envoy stats)'));
});

test('mTLS asked, but no handshake: fails, and says when the peer had another identity', () => {
  const client = { ...zero, outboundRequests: 10, upstreamRequests: 10, upstreamConnections: 4, upstreamSanMismatches: 4 };
  const server = { ...zero, inboundRequests: 10 };
  const why = missingCrossing({ client: { before: zero, after: client }, server: { before: zero, after: server } }, true);
  assert.match(why ?? '', /^requests did not cross the sidecar \(Envoy stats\) over mutual TLS: the client sidecar completed 0 TLS handshake\(s\) with the peer's SPIFFE identity, 4 refused for another identity/);
});

test('plaintext expected: connections without any handshake pass; a handshake fails', () => {
  const client = { ...zero, outboundRequests: 10, upstreamRequests: 10, upstreamConnections: 2 };
  const server = { ...zero, inboundRequests: 10 };
  assert.is(missingCrossing({ client: { before: zero, after: client }, server: { before: zero, after: server } }, false), null);
  assert.match(missingCrossing({ client: { before: zero, after: { ...client, upstreamTlsHandshakes: 2 } }, server: { before: zero, after: server } }, false) ?? '', /did not speak plaintext/);
});

test('tcp: the TCP proxies\' connection counters stand for requests (a byte stream has none Envoy can see)', () => {
  const stats = parseEnvoyStats([
    'tcp.outbound|8080||workload.meshbench.svc.cluster.local.downstream_cx_total: 4',
    'cluster.outbound|8080||workload.meshbench.svc.cluster.local.upstream_cx_total: 4',
    'cluster.outbound|8080||workload.meshbench.svc.cluster.local.ssl.handshake: 4',
    'tcp.inbound|8080||.downstream_cx_total: 3',
    'listener.virtualInbound.ssl.handshake: 3',
    'http.outbound_0.0.0.0_8080.downstream_rq_completed: 99',
  ].join('\n'));
  assert.equal(sidecarTraffic(stats, names, true), {
    outboundRequests: 4, upstreamRequests: 4, upstreamConnections: 4, upstreamTlsHandshakes: 4, upstreamSanMismatches: 0, inboundRequests: 3, inboundTlsHandshakes: 3,
  });
  // The same text read as HTTP finds the HTTP counter and no upstream requests: a tcp run must be read as tcp.
  assert.is(sidecarTraffic(stats, names).upstreamRequests, 0);
});

test.run();
