/** The local XDS file ztunnel reads: generated from the run's topology, in ztunnel's own format. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { planTopology } from '../../../../src/platforms/local/netns/plan.ts';
import { LocalFileControlPlane } from '../../../../src/platforms/local/ztunnel/control-plane.ts';
import { ambientModelFor, localXdsYaml, spiffeId } from '../../../../src/platforms/local/ztunnel/xds.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const plan = planTopology('xds-test');
const model = ambientModelFor(plan, 8080);

test('both pods are HBONE workloads on their own node; only the workload pod backs the service', () => {
  const doc = parse(localXdsYaml(model), { logLevel: 'error' }) as { workloads: Record<string, unknown>[]; services: Record<string, unknown>[]; policies: unknown[] };
  assert.equal(doc.workloads, [
    { uid: 'cluster1//v1/Pod/meshbench/loadgen', name: 'loadgen', namespace: 'meshbench', serviceAccount: 'loadgen', trustDomain: 'cluster.local', workloadIps: ['198.18.1.2'], protocol: 'HBONE', node: 'node-a', network: '', services: {} },
    { uid: 'cluster1//v1/Pod/meshbench/workload', name: 'workload', namespace: 'meshbench', serviceAccount: 'workload', trustDomain: 'cluster.local', workloadIps: ['198.18.2.2'], protocol: 'HBONE', node: 'node-b', network: '', services: { 'meshbench/workload.meshbench.svc.cluster.local': { 80: 8080 } } },
  ]);
  assert.equal(doc.services, [{ name: 'workload', namespace: 'meshbench', hostname: 'workload.meshbench.svc.cluster.local', vips: ['/198.19.0.10'], ports: { 80: 8080 }, subjectAltNames: [] }]);
  // STRICT by default: a namespace policy denying peers without an identity, as istiod converts it.
  assert.equal(doc.policies, [{ name: 'istio_converted_static_strict', namespace: 'meshbench', scope: 'Namespace', action: 'Deny', rules: [[[{ notPrincipals: [[]] }]]], dryRun: false }]);
  assert.match(localXdsYaml(model), /notPrincipals:\n\s+- !Presence \[\]\n/);
  assert.equal((parse(localXdsYaml(ambientModelFor(plan, 8080, 'PERMISSIVE')), { logLevel: 'error' }) as { policies: unknown[] }).policies, []);
});

test('ports are written as numbers (ztunnel refuses "80": a string is not a u16)', () => {
  const text = localXdsYaml(model);
  assert.match(text, /\n\s+80: 8080\n/);
  assert.not.match(text, /"80"/);
});

test('the XDS file carries no field of the model that ztunnel does not know (it refuses unknown fields)', () => {
  const doc = parse(localXdsYaml(model), { logLevel: 'error' }) as { workloads: Record<string, unknown>[] };
  for (const w of doc.workloads) assert.not.ok('pod' in w);
});

test('identities are SPIFFE ids in the cluster trust domain', () => {
  assert.equal(model.workloads.map((w) => spiffeId(model, w)), ['spiffe://cluster.local/ns/meshbench/sa/loadgen', 'spiffe://cluster.local/ns/meshbench/sa/workload']);
});

test('the local control plane writes the file and points each ztunnel at it with the fake CA', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-xds-'));
  try {
    const cp = new LocalFileControlPlane();
    assert.throws(() => cp.ztunnelEnv('node-a'), /before configure/);
    await cp.configure(model, dir);
    const env = cp.ztunnelEnv('node-b');
    assert.equal(env, { FAKE_CA: 'true', XDS_ADDRESS: '', CA_ADDRESS: '', LOCAL_XDS_PATH: join(dir, 'ztunnel-xds.yaml'), CLUSTER_ID: 'cluster1', NODE_NAME: 'node-b' });
    assert.is(readFileSync(env.LOCAL_XDS_PATH!, 'utf8'), localXdsYaml(model));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
