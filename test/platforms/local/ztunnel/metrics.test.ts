/** Reading ztunnel's Prometheus metrics: labelled counters summed by what they match. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePrometheus, sumOf, ztunnelTraffic } from '../../../../src/platforms/local/ztunnel/metrics.ts';

// Shape of ztunnel 1.30.3's :15020/metrics (lines abridged from the lab's output).
const text = `# HELP istio_tcp_connections_opened The total number of TCP connections opened.
# TYPE istio_tcp_connections_opened counter
istio_tcp_connections_opened_total{reporter="source",source_principal="spiffe://cluster.local/ns/meshbench/sa/loadgen",destination_principal="spiffe://cluster.local/ns/meshbench/sa/workload",request_protocol="tcp",response_flags="-",connection_security_policy="mutual_tls"} 7
istio_tcp_connections_opened_total{reporter="destination",source_principal="spiffe://cluster.local/ns/meshbench/sa/loadgen",connection_security_policy="mutual_tls"} 3
istio_tcp_connections_opened_total{reporter="source",connection_security_policy="unknown"} 2
istio_tcp_sent_bytes_total{reporter="source",label_with_quote="a \\"b\\" c"} 1.5e3
# EOF
`;

test('sums only samples whose labels all match', () => {
  const s = parsePrometheus(text);
  assert.is(sumOf(s, 'istio_tcp_connections_opened_total'), 12);
  assert.is(sumOf(s, 'istio_tcp_connections_opened_total', { connection_security_policy: 'mutual_tls' }), 10);
  assert.is(sumOf(s, 'istio_tcp_connections_opened_total', { reporter: 'source', connection_security_policy: 'mutual_tls' }), 7);
  assert.is(sumOf(s, 'istio_tcp_connections_opened_total', { reporter: 'nobody' }), 0);
});

test('reads escaped label values and exponent notation; skips comments', () => {
  const s = parsePrometheus(text);
  assert.is(s.length, 4);
  const sent = s.find((x) => x.name === 'istio_tcp_sent_bytes_total')!;
  assert.is(sent.value, 1500);
  assert.is(sent.labels.label_with_quote, 'a "b" c');
});

test('a ztunnel\'s traffic summary splits client and server side, and mutual TLS from the rest', () => {
  assert.equal(ztunnelTraffic(parsePrometheus(text)), {
    connectionsOpened: { source: 9, destination: 3 },
    mutualTlsConnectionsOpened: { source: 7, destination: 3 },
    sentBytes: 1500,
    receivedBytes: 0,
  });
});

test.run();
