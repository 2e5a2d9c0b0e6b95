/** What istiod is told of a trial's pods, and how each pilot-agent and its capture are set up: pure builders. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { agentEnv, STATS_INCLUSION_PREFIXES } from '../../../../src/platforms/local/istiod/agent.ts';
import { istiodComponents, istiodLabel } from '../../../../src/platforms/local/istiod/label.ts';
import { serviceHost, spiffeId, trialObjects } from '../../../../src/platforms/local/istiod/objects.ts';
import { PROTOCOLS, type Protocol } from '../../../../src/workload/protocol.ts';
import { istiodEnvoyNames, istioIptablesArgs, withoutTagMarks } from '../../../../src/platforms/local/istiod/sidecars.ts';

const pods = { loadgen: { ip: '198.18.1.2' }, workload: { ip: '198.18.2.2' } };

test('a trial registers both pods as WorkloadEntries with mTLS labels, the workload as a ServiceEntry at its own address, and STRICT', () => {
  const { base, mesh } = trialObjects({ namespace: 'meshbench-t3', pods, appPort: 8080, protocol: 'http1', mtls: true });
  assert.equal(base.map((o) => `${o.kind}/${o.metadata.name}`), ['Namespace/meshbench-t3', 'ServiceAccount/loadgen', 'ServiceAccount/workload']);
  assert.equal(mesh.map((o) => `${o.kind}/${o.metadata.name}`), ['WorkloadEntry/loadgen', 'WorkloadEntry/workload', 'ServiceEntry/workload', 'PeerAuthentication/default']);
  assert.equal(mesh[1]!.spec, { address: '198.18.2.2', labels: { app: 'workload', 'security.istio.io/tlsMode': 'istio' }, serviceAccount: 'workload' });
  const se = mesh[2]!.spec as { hosts: string[]; addresses: string[]; ports: unknown[]; workloadSelector: unknown };
  assert.equal(se.hosts, ['workload.meshbench-t3.svc.cluster.local']);
  // The loader dials the pod's address: as the service's address it matches the service's route, not the passthrough.
  assert.equal(se.addresses, ['198.18.2.2']);
  assert.equal(se.ports, [{ number: 8080, name: 'http', protocol: 'HTTP', targetPort: 8080 }]);
  assert.equal(se.workloadSelector, { labels: { app: 'workload' } });
  assert.equal(mesh[3]!.spec, { mtls: { mode: 'STRICT' } });
  assert.equal(trialObjects({ namespace: 'n', pods, appPort: 8080, protocol: 'http1', mtls: false }).mesh[3]!.spec, { mtls: { mode: 'DISABLE' } });
  assert.is(serviceHost('meshbench-t3'), 'workload.meshbench-t3.svc.cluster.local');
  assert.is(spiffeId('meshbench-t3', 'workload'), 'spiffe://cluster.local/ns/meshbench-t3/sa/workload');
});

test("the ServiceEntry's port says the workload's protocol, so the sidecars proxy gRPC as gRPC and raw TCP as TCP", () => {
  const port = (protocol: Protocol) => (trialObjects({ namespace: 'n', pods, appPort: 8080, protocol, mtls: true }).mesh[2]!.spec as { ports: { name: string; protocol: string }[] }).ports[0]!;
  assert.equal(['h2c', 'grpc', 'tcp', 'https', 'h2'].map((p) => port(p as Protocol).protocol), ['HTTP2', 'GRPC', 'TCP', 'HTTPS', 'HTTPS']);
  // Istio also reads a port's name prefix: each name starts with its protocol's.
  for (const p of PROTOCOLS) assert.ok(port(p).name.startsWith(port(p).protocol.toLowerCase().replace('http2', 'http')), `${p}: ${port(p).name}`);
});

test('pilot-agent: upstream Envoy as its binary, istiod through the pod\'s relay, Istio\'s concurrency, the stats the checks read', () => {
  const env = agentEnv({ pod: 'workload', ip: '198.18.2.2', namespace: 'meshbench-t3', envoyPath: '/c/envoy', appPort: 8080, concurrency: 2 });
  const config = JSON.parse(env.PROXY_CONFIG!) as Record<string, unknown>;
  assert.equal(config, { binaryPath: '/c/envoy', discoveryAddress: '127.0.0.1:15012', concurrency: 2, proxyStatsMatcher: { inclusionPrefixes: STATS_INCLUSION_PREFIXES }, terminationDrainDuration: '1s' });
  assert.is(env.INSTANCE_IP, '198.18.2.2');
  assert.is(env.SERVICE_ACCOUNT, 'workload');
  assert.is(env.ISTIOD_SAN, 'istiod.istio-system.svc');
  // CA_ADDR unset: set, the agent would drop ISTIOD_SAN for its CA client and fail on istiod's IP (NOTES.md).
  assert.not.ok('CA_ADDR' in env);
  assert.is(env.ISTIO_META_POD_PORTS, '[{"containerPort":8080,"protocol":"TCP"}]');
  assert.not.ok('ISTIO_META_POD_PORTS' in agentEnv({ pod: 'loadgen', ip: '198.18.1.2', namespace: 'n', envoyPath: '/e', appPort: 8080, concurrency: 2 }));
});

test('the capture is istio-iptables with gid 1337 exempt and the agent\'s ports left alone', () => {
  const args = istioIptablesArgs();
  assert.equal(args.slice(0, 9), ['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-g', '1337']);
  assert.is(args[args.indexOf('-d') + 1], '15020,15021,15090');
});

test('Envoy\'s stats under istiod: Istio\'s tag marks removed, then the names istiod gives', () => {
  const stats = withoutTagMarks(new Map([['cluster.outbound|8080||workload.meshbench-t3.svc.cluster.local;.ssl.handshake', 2], ['listener.0.0.0.0_15006.ssl.handshake', 2]]));
  const n = istiodEnvoyNames('meshbench-t3', 8080);
  assert.is(stats.get(`cluster.${n.outboundCluster}.ssl.handshake`), 2);
  assert.is(stats.get(`listener.${n.inboundListener}.ssl.handshake`), 2);
  assert.is(n.inboundHttpPrefix, 'inbound_0.0.0.0_8080');
});

test('label and environment say istiod drives upstream Envoy, without Istio\'s telemetry filters', () => {
  assert.is(istiodLabel('1.31-dev+eed52ebb66ad', '1.40.0', true), 'istio (local: istiod 1.31-dev+eed52ebb66ad driving Envoy 1.40 sidecars via pilot-agent, mTLS, no Istio telemetry filters)');
  assert.equal(Object.keys(istiodComponents('1.31-dev+eed52ebb66ad')), ['control', 'istiod', 'pilot-agent', 'istio-proxy']);
});

test.run();
