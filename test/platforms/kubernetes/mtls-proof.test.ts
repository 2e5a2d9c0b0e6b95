/**
 * The mTLS proof's reading of the proxies' counters and its verdict. The sample lines are in the
 * form the real proxies print (Envoy 1.40's /stats/prometheus on 15090, ztunnel 1.30.3's /metrics
 * on 15020); the real path is run end to end by test/e2e/kubernetes-istio.test.ts, where an istio
 * or istio-ambient trial is valid only with this proof.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KubeClient } from '../../../src/platforms/kubernetes/client.ts';
import { envoyInboundTls, judgeMtls, mtlsWitnesses, readMtls, telemetryText, ztunnelMutualTlsConnections } from '../../../src/platforms/kubernetes/mtls-proof.ts';
import type { KubernetesContainer } from '../../../src/platforms/types.ts';

const envoy = `# TYPE envoy_listener_ssl_handshake counter
envoy_listener_ssl_handshake{envoy_listener_address="0.0.0.0_15006"} 4
envoy_listener_ssl_handshake{envoy_listener_address="10.97.0.10_8080"} 9
envoy_listener_ssl_no_certificate{envoy_listener_address="0.0.0.0_15006"} 1
envoy_cluster_ssl_handshake{envoy_cluster_name="outbound|8080||workload.n.svc.cluster.local"} 3
`;

const ztunnel = `# TYPE istio_tcp_connections_opened counter
istio_tcp_connections_opened_total{reporter="destination",source_workload="loadgen",connection_security_policy="mutual_tls"} 4
istio_tcp_connections_opened_total{reporter="source",source_workload="loadgen",connection_security_policy="mutual_tls"} 4
istio_tcp_connections_opened_total{reporter="destination",source_workload="x",connection_security_policy="unknown"} 7
`;

test('Envoy: only the inbound listener (15006) counts; handshakes without a client certificate are told apart', () => {
  assert.equal(envoyInboundTls(envoy), { handshakes: 4, noClientCert: 1 });
  assert.equal(envoyInboundTls(''), { handshakes: 0, noClientCert: 0 });
});

test('ztunnel: connections under mutual_tls only', () => {
  assert.is(ztunnelMutualTlsConnections(ztunnel), 8);
});

test('the verdict: growth over the trial proves it; none, or a handshake without a client certificate, does not', () => {
  const before = new Map([['istio-system/ztunnel-a', 10]]);
  assert.equal(judgeMtls('istio-ambient', before, { counts: new Map([['istio-system/ztunnel-a', 18]]), noClientCert: 0 }), { proven: true, text: '8 connections opened under mutual TLS by the ztunnels the trial used (the proxies\' own stats)' });
  assert.is(judgeMtls('istio-ambient', before, { counts: new Map([['istio-system/ztunnel-a', 10]]), noClientCert: 0 }).proven, false);
  assert.match(judgeMtls('istio', new Map(), { counts: new Map([['n/workload-1', 3]]), noClientCert: 1 }).text, /without a client certificate/);
  assert.match(judgeMtls('istio', new Map(), { counts: new Map([['n/workload-1', 0]]), noClientCert: 0 }).text, /show no inbound TLS handshakes/);
});

test('Istio\'s telemetry filters: seen by their istio_* metrics in a sidecar\'s stats (Istio\'s own proxy), absent from upstream Envoy\'s; not asked of ztunnels', async () => {
  const c = (pod: string, role: KubernetesContainer['role']): KubernetesContainer => ({ kind: 'kubernetes', namespace: 'n', pod, container: 'istio-proxy', node: 'x', role });
  // Only getText is read: the stats text each proxy serves.
  const serving = (text: string) => ({ getText: async () => text }) as unknown as KubeClient;
  const istioOwn = `${envoy}istio_requests_total{reporter="destination",response_code="200"} 12\n`;
  assert.is((await readMtls(serving(istioOwn), [c('workload-1', 'sidecar')])).istioTelemetry, true);
  assert.is((await readMtls(serving(envoy), [c('workload-1', 'sidecar')])).istioTelemetry, false);
  assert.is((await readMtls(serving(ztunnel), [c('ztunnel-a', 'node-proxy')])).istioTelemetry, null);
  assert.match(telemetryText(false), /^absent: .*upstream Envoy/);
});

test('witnesses: the workload\'s sidecars for istio, the ztunnels for istio-ambient, none otherwise', () => {
  const c = (pod: string, role: KubernetesContainer['role'], container: string): KubernetesContainer => ({ kind: 'kubernetes', namespace: 'n', pod, container, node: 'x', role });
  const all = [c('workload-1', 'sidecar', 'istio-proxy'), c('loadgen-1', 'sidecar', 'istio-proxy'), c('ztunnel-a', 'node-proxy', 'istio-proxy'), c('istiod-1', 'control-plane', 'discovery')];
  assert.equal(mtlsWitnesses('istio', all).map((x) => x.pod), ['workload-1']);
  assert.equal(mtlsWitnesses('istio-ambient', all).map((x) => x.pod), ['ztunnel-a']);
  assert.equal(mtlsWitnesses('appmesh', all), []);
});

test.run();
