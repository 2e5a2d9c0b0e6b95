/** The SMP export validates against the SMP protos, links its documents by id, and carries the run's own figures. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { exportSmp, smpDocuments } from '../../../src/report/export/smp.ts';
import { isMeasured } from '../../../src/results/model.ts';
import { upgradeResult } from '../../../src/results/upgrade.ts';
import { fakeRun } from '../../fakes/results.ts';
import { fixture } from '../../helpers.ts';
import { loadSmpProtos, SMP_DIR, validateSmp } from './smp-schema.ts';

// any: free-form JSON documents read deeply by the assertions; the validator is what types them.
type Json = Record<string, any>;
const root = loadSmpProtos();
const run = upgradeResult(JSON.parse(readFileSync(fixture('results/v1-result.json'), 'utf8')));
const docs = smpDocuments(run);

test('every document of a real meshbench run validates against its SMP message', () => {
  const count = (m: string) => docs.filter((d) => d.message === m).length;
  assert.is(count('EnvironmentConfig'), 1);
  assert.is(count('PerformanceTestConfig'), run.levels.length);
  assert.is(count('PerformanceTestResult'), run.trials.filter(isMeasured).length);
  assert.is(count('ServiceMeshConfig'), 2, 'istio has watched sidecars in both repetitions; none has none');
  for (const d of docs) assert.equal(validateSmp(root, d.message, d.body), [], `${d.path} is a valid smp.${d.message}`);
  assert.equal(exportSmp(run).map((f) => JSON.parse(f.content)), docs.map((d) => d.body));
});

test('the validator refuses what is not SMP: the spec README\'s older document and damaged fields', () => {
  const older = parse(readFileSync(join(SMP_DIR, 'example-result.yaml'), 'utf8'));
  assert.match(validateSmp(root, 'PerformanceTestResult', older).join('\n'), /exp_uuid: not a field of PerformanceTestResult/);
  const result = structuredClone(docs.find((d) => d.message === 'PerformanceTestResult')!.body) as Json;
  result.latencies_ms.p99 = '8ms';
  result.start_time = 'yesterday';
  result.labels.repetition = 1;
  const problems = validateSmp(root, 'PerformanceTestResult', result).join('\n');
  assert.match(problems, /latencies_ms\.p99: expected double/);
  assert.match(problems, /start_time: expected an RFC 3339 timestamp/);
  assert.match(problems, /labels\["repetition"\]: expected string/);
  const mesh = structuredClone(docs.find((d) => d.message === 'ServiceMeshConfig')!.body) as Json;
  mesh.mesh_type.type = 'ISTIO_AMBIENT';
  mesh.sidecar.cpu_mcores = 1.5;
  const meshProblems = validateSmp(root, 'ServiceMeshConfig', mesh).join('\n');
  assert.match(meshProblems, /mesh_type\.type: expected one of INVALID_MESH, APP_MESH/);
  assert.match(meshProblems, /sidecar\.cpu_mcores: expected int32/);
});

test("results carry the trial's own figures and name their test, mesh config and environment", () => {
  const byId = new Map(docs.map((d) => [String(d.body.id), d]));
  for (const t of run.trials.filter(isMeasured)) {
    const doc = docs.find((d) => d.path === `smp/${t.trial.mesh}-${t.trial.level.id}-rep${t.trial.repetition}.result.json`)!.body as Json;
    assert.is(doc.latencies_ms.p50, t.latency.p50Us / 1000);
    assert.is(doc.latencies_ms.p99, t.latency.p99Us! / 1000);
    assert.is(doc.latencies_ms.max, t.latency.maxUs / 1000);
    assert.is(doc.actual_qps, t.load.achievedRps);
    assert.is(doc.labels.latency_p999_ms, String(t.latency.p999Us! / 1000));
    assert.is(Date.parse(doc.end_time) - Date.parse(doc.start_time), t.load.durationMs);
    assert.is(byId.get(doc.test_id)?.message, 'PerformanceTestConfig');
    assert.is(byId.get(doc.env_id)?.message, 'EnvironmentConfig');
    if (t.trial.mesh === 'none') assert.not.ok('mesh_config_id' in doc);
    else {
      const mesh = byId.get(doc.mesh_config_id)!.body as Json;
      const sidecars = t.resources.filter((r) => r.role === 'sidecar');
      assert.is(mesh.sidecar.count, sidecars.length);
      assert.is(mesh.sidecar.cpu_mcores, Math.round(sidecars.reduce((a, r) => a + r.cpuCores, 0) * 1000));
      assert.is(mesh.mesh_type.type, 'ISTIO');
      assert.is(mesh.mtls_enabled, true, "the local istio emulation's profile has mTLS");
    }
  }
});

test('an invalid trial says so in its labels; a closed-loop level asks for rps 0 (unthrottled)', () => {
  const fake = fakeRun((mesh, rep) => ({ latenciesUs: [200, 300, 400], achievedRps: 50, status: mesh === 'appmesh' && rep === 2 ? 'invalid' : 'valid' }));
  const all = smpDocuments(fake);
  for (const d of all) assert.equal(validateSmp(root, d.message, d.body), [], d.path);
  const invalid = all.find((d) => d.path.startsWith('smp/appmesh-') && d.path.endsWith('rep2.result.json'))!.body as Json;
  assert.is(invalid.labels.status, 'invalid');
  assert.is(invalid.labels.invalid_reasons, 'made invalid by the test');
  const config = all.find((d) => d.message === 'PerformanceTestConfig')!.body as Json;
  assert.is(config.clients[0].rps, 0);
});

test("ambient's ztunnel and waypoint, which SMP has no field for, are kept in the mesh config's labels", () => {
  const usage = (pod: string, container: string, role: 'node-proxy' | 'waypoint' | 'app', cpuCores: number) => ({ pod, container, role, cpuCores, cpuCoresMax: cpuCores, memoryBytesAvg: 30e6, memoryBytesMax: 31e6, samples: 5, windowMs: 1000 });
  const ambient = fakeRun(
    (mesh) => ({ latenciesUs: [200, 300], achievedRps: 50, resources: mesh === 'none' ? [usage('w', 'app', 'app', 0.1)] : [usage('w', 'app', 'app', 0.1), usage('ztunnel-x', 'istio-proxy', 'node-proxy', 0.042), usage('waypoint-y', 'istio-proxy', 'waypoint', 0.02)] }),
    { meshes: ['none', 'istio-ambient'] },
  );
  const configs = smpDocuments(ambient).filter((d) => d.message === 'ServiceMeshConfig');
  assert.is(configs.length, 3, 'one per istio-ambient trial, none for no mesh');
  for (const d of configs) assert.equal(validateSmp(root, d.message, d.body), [], d.path);
  const body = configs[0]!.body as Json;
  assert.not.ok('sidecar' in body, 'no sidecars were watched');
  assert.is(body.labels['node-proxy_ztunnel-x_istio-proxy_cpu_mcores'], '42');
  assert.is(body.labels['waypoint_waypoint-y_istio-proxy_mem_mb'], '30');
  assert.is(body.mesh_type.type, 'ISTIO');
});

test.run();
