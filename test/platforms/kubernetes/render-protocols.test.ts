/** The render per protocol: the Service port's name, appProtocol and target, Fortio's ports, the loader's target and settings; all valid against the upstream schemas. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KubernetesObject } from '../../../src/meshes/index.ts';
import { renderTrial } from '../../../src/platforms/kubernetes/render.ts';
import { loaderSettings, loaderTarget } from '../../../src/platforms/kubernetes/loader/from-scenario.ts';
import { resolveScenario } from '../../../src/scenario/resolve.ts';
import { ScenarioSchema } from '../../../src/scenario/schema.ts';
import { SchemaValidator } from './schema-validator.ts';

const validator = new SchemaValidator();
const scenario = (protocol: string, load: Record<string, unknown> = {}) =>
  resolveScenario(ScenarioSchema.parse({ name: 'p', platform: 'kubernetes', meshes: ['none', 'istio'], workload: { protocol, payloadBytes: 64 }, load: { mode: 'rate', rate: 100, ...load } }));

type Service = { spec: { ports: { name: string; port: number; targetPort: string; appProtocol: string }[] } };
type Deployment = { spec: { template: { spec: { containers: { ports: { name: string; containerPort: number }[] }[] } } } };

const expected = {
  http1: { name: 'http', appProtocol: 'http', targetPort: 'http', containerPorts: ['http:8080'], target: 'http://workload.ns.svc.cluster.local:8080/echo?size=64' },
  h2c: { name: 'http2', appProtocol: 'kubernetes.io/h2c', targetPort: 'http', containerPorts: ['http:8080'], target: 'h2c://workload.ns.svc.cluster.local:8080/echo?size=64' },
  grpc: { name: 'grpc', appProtocol: 'grpc', targetPort: 'grpc', containerPorts: ['http:8080', 'grpc:8079'], target: 'grpc://workload.ns.svc.cluster.local:8080/' },
  tcp: { name: 'tcp', appProtocol: 'tcp', targetPort: 'tcp-echo', containerPorts: ['http:8080', 'tcp-echo:8078'], target: 'tcp://workload.ns.svc.cluster.local:8080/' },
} as const;

for (const [protocol, e] of Object.entries(expected)) {
  test(`${protocol}: Service port ${e.name} (appProtocol ${e.appProtocol}) on 8080 → ${e.targetPort}; the loader dials ${e.target.split(':')[0]}://`, () => {
    const s = scenario(protocol);
    for (const mesh of s.meshes) {
      const objects = renderTrial(s, mesh, '20261207T160000-abcdef');
      const service = objects.find((o) => o.kind === 'Service') as unknown as Service;
      assert.equal(service.spec.ports, [{ name: e.name, port: 8080, targetPort: e.targetPort, protocol: 'TCP', appProtocol: e.appProtocol }]);
      const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as Deployment;
      assert.equal(deployment.spec.template.spec.containers[0]!.ports.map((p) => `${p.name}:${p.containerPort}`), [...e.containerPorts]);
      for (const o of objects) assert.equal(validator.validate(o as KubernetesObject), [], `${protocol} ${mesh} ${o.kind}/${o.metadata.name}`);
    }
    assert.is(loaderTarget(s, 'ns'), e.target);
  });
}

test('the loader settings carry the streams (h2c, grpc) and a tcp request\'s size', () => {
  const trial = { namespace: 'ns', level: { id: 'c4-r100', connections: 4, targetRps: 100 }, pods: 1 } as Parameters<typeof loaderSettings>[1];
  assert.is(loaderSettings(scenario('h2c', { streamsPerConnection: 50 }), trial, {} as Parameters<typeof loaderSettings>[2]).streamsPerConnection, 50);
  const tcp = loaderSettings(scenario('tcp'), trial, {} as Parameters<typeof loaderSettings>[2]);
  assert.is(tcp.messageBytes, 64);
  assert.not.ok('streamsPerConnection' in tcp);
  assert.not.ok('messageBytes' in loaderSettings(scenario('http1'), trial, {} as Parameters<typeof loaderSettings>[2]));
});

test.run();
