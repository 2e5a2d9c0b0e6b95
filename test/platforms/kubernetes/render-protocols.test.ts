/** The render per protocol: the Service port's name, appProtocol and target, Fortio's ports, the loader's target and settings; all valid against the upstream schemas. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KubernetesObject } from '../../../src/meshes/index.ts';
import { renderTrial, trialNamespace } from '../../../src/platforms/kubernetes/render.ts';
import { ELIDED_TRUST, loaderSettings, loaderTarget } from '../../../src/platforms/kubernetes/loader/from-scenario.ts';
import { ELIDED_TLS } from '../../../src/platforms/kubernetes/workload.ts';
import { workloadTlsPem } from '../../../src/platforms/workload-tls.ts';
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

test('https and h2: Service port appProtocol `https` (HTTP over TLS; not kubernetes.io/h2c, which is HTTP/2 without TLS), the certificate in a Secret that Fortio serves, the loader trusting the run\'s CA', async () => {
  const pem = await workloadTlsPem();
  for (const [protocol, name] of [['https', 'https'], ['h2', 'https-h2']] as const) {
    const s = scenario(protocol);
    for (const mesh of s.meshes) {
      for (const [tls, rendered] of [[pem, renderTrial(s, mesh, '20261207T160000-abcdef', undefined, { workloadTls: pem })], [undefined, renderTrial(s, mesh, '20261207T160000-abcdef')]] as const) {
        const service = rendered.find((o) => o.kind === 'Service') as unknown as Service;
        assert.equal(service.spec.ports, [{ name, port: 8080, targetPort: 'http', protocol: 'TCP', appProtocol: 'https' }]);
        const secret = rendered.find((o) => o.kind === 'Secret') as unknown as { type: string; metadata: { name: string }; stringData: Record<string, string> };
        assert.is(secret.type, 'kubernetes.io/tls');
        assert.equal(secret.stringData, tls ? { 'tls.crt': tls.certPem, 'tls.key': tls.keyPem } : { 'tls.crt': ELIDED_TLS, 'tls.key': ELIDED_TLS });
        const app = (rendered.find((o) => o.kind === 'Deployment') as unknown as { spec: { template: { spec: { containers: { args: string[]; volumeMounts: { name: string; mountPath: string }[] }[]; volumes: { secret: { secretName: string } }[] } } } }).spec.template.spec;
        assert.equal(app.containers[0]!.args, ['server', '-http-port', '8080', '-cert', '/etc/meshbench/workload-tls/tls.crt', '-key', '/etc/meshbench/workload-tls/tls.key']);
        assert.is(app.containers[0]!.volumeMounts[0]!.mountPath, '/etc/meshbench/workload-tls');
        assert.is(app.volumes[0]!.secret.secretName, secret.metadata.name);
        // Applied before the Deployment that mounts it.
        assert.ok(rendered.indexOf(secret as never) < rendered.findIndex((o) => o.kind === 'Deployment'));
        const settings = JSON.parse((rendered.find((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-engine')) as unknown as { data: Record<string, string> }).data['load.json']!) as { target: string; trust: { caPem: string; serverName: string } };
        assert.is(settings.target, `${protocol}://workload.${trialNamespace(s, mesh, '20261207T160000-abcdef')}.svc.cluster.local:8080/echo?size=64`);
        assert.equal(settings.trust, tls ? tls.trust : ELIDED_TRUST);
        for (const o of rendered) assert.equal(validator.validate(o as KubernetesObject), [], `${protocol} ${mesh} ${o.kind}/${o.metadata.name}`);
      }
    }
  }
  assert.is(pem.trust.serverName, 'workload.meshbench.local');
  assert.match(pem.trust.caPem, /^-----BEGIN CERTIFICATE-----\n/);
  assert.match(pem.keyPem, /-----BEGIN PRIVATE KEY-----/);
});

test('the loader settings carry the streams (h2c, grpc) and a tcp request\'s size', () => {
  const trial = { namespace: 'ns', level: { id: 'c4-r100', connections: 4, targetRps: 100 }, pods: 1 } as Parameters<typeof loaderSettings>[1];
  assert.is(loaderSettings(scenario('h2c', { streamsPerConnection: 50 }), trial, {} as Parameters<typeof loaderSettings>[2]).streamsPerConnection, 50);
  const tcp = loaderSettings(scenario('tcp'), trial, {} as Parameters<typeof loaderSettings>[2]);
  assert.is(tcp.messageBytes, 64);
  assert.not.ok('streamsPerConnection' in tcp);
  assert.not.ok('messageBytes' in loaderSettings(scenario('http1'), trial, {} as Parameters<typeof loaderSettings>[2]));
});

test.run();
