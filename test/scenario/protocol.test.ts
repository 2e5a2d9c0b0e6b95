/** workload.protocol and load.streamsPerConnection: defaults, what the plan and the hash carry. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { expandPlan } from '../../src/scenario/plan.ts';
import { protocolOf, resolveScenario, scenarioHash, type ResolvedScenario } from '../../src/scenario/resolve.ts';
import { ScenarioSchema } from '../../src/scenario/schema.ts';
import { checkRules } from '../../src/scenario/rules.ts';
import { protocolOfUrl, targetUrl } from '../../src/workload/protocol.ts';
import { workloadTlsCaveats } from '../../src/results/conditions.ts';

const input = (overrides: Record<string, unknown>) => ScenarioSchema.parse({ name: 't', meshes: ['none'], ...overrides });
const scenario = (overrides: Record<string, unknown>): ResolvedScenario => resolveScenario(input(overrides));

test('http1 by default, and left out of the resolved scenario: a scenario without protocols keeps its hash', () => {
  const plain = scenario({});
  const said = scenario({ workload: { protocol: 'http1' }, load: { streamsPerConnection: 1 } });
  assert.is(protocolOf(plain), 'http1');
  assert.not.ok('protocol' in plain.workload);
  assert.not.ok('streamsPerConnection' in plain.load);
  assert.is(scenarioHash(said), scenarioHash(plain));
  assert.ok(expandPlan(plain).every((t) => !('protocol' in t)), 'an http1 trial has no protocol field, as in older files');
});

test('another protocol is in the resolved scenario, its hash, and every trial', () => {
  const h2c = scenario({ workload: { protocol: 'h2c' }, load: { streamsPerConnection: 100 }, repetitions: 2 });
  assert.is(protocolOf(h2c), 'h2c');
  assert.is(h2c.load.streamsPerConnection, 100);
  assert.is.not(scenarioHash(h2c), scenarioHash(scenario({ repetitions: 2 })));
  assert.is.not(scenarioHash(h2c), scenarioHash(scenario({ workload: { protocol: 'grpc' }, load: { streamsPerConnection: 100 }, repetitions: 2 })));
  assert.equal(expandPlan(h2c).map((t) => t.protocol), ['h2c', 'h2c']);
});

test('rules: streams need h2c or grpc; tcp has no error rate; external and autocannon speak http1', () => {
  const whats = (o: Record<string, unknown>) => checkRules(input(o)).map((i) => i.what);
  assert.equal(whats({ workload: { protocol: 'grpc' }, load: { streamsPerConnection: 8 } }), []);
  assert.match(whats({ workload: { protocol: 'tcp' }, load: { streamsPerConnection: 8 } }).join(), /needs HTTP\/2 streams; protocol `tcp`/);
  assert.match(whats({ workload: { protocol: 'tcp', faults: [{ kind: 'reset', for: '1s' }] } }).join(), /no status to fail with/);
  assert.match(whats({ platform: 'external', target: 'http://127.0.0.1:1/', workload: { protocol: 'h2c' } }).join(), /platform `external` loads an http\(s\):\/\/ URL/);
  assert.match(whats({ load: { engine: 'autocannon' }, workload: { protocol: 'grpc' } }).join(), /autocannon speaks HTTP\/1.1 only/);
});

test('https and h2: streams for h2 only, and a caveat whenever a mesh carried the workload\'s TLS', () => {
  const whats = (o: Record<string, unknown>) => checkRules(input(o)).map((i) => i.what);
  assert.equal(whats({ workload: { protocol: 'h2' }, load: { streamsPerConnection: 8 } }), []);
  assert.match(whats({ workload: { protocol: 'https' }, load: { streamsPerConnection: 8 } }).join(), /needs HTTP\/2 streams; protocol `https`/);
  assert.equal(whats({ platform: 'kubernetes', workload: { protocol: 'h2' } }), []);
  assert.match(whats({ load: { engine: 'autocannon' }, workload: { protocol: 'https' } }).join(), /autocannon speaks HTTP\/1.1 only/);
  assert.equal(workloadTlsCaveats(scenario({ workload: { protocol: 'h2' } })), [], 'no mesh, nothing carried it');
  assert.equal(workloadTlsCaveats(scenario({ meshes: ['none', 'istio'], workload: { protocol: 'h2c' } })), []);
  const [caveat, ...more] = workloadTlsCaveats(scenario({ meshes: ['none', 'istio'], workload: { protocol: 'https' } }));
  assert.equal(more, []);
  assert.match(caveat!, /TLS to the workload \(https: HTTP\/1.1 over the workload's own TLS\): the meshes saw TLS inside TCP .*HTTP \(L7\) features did not apply/);
});

test('target URLs name the protocol by scheme, and back', () => {
  assert.is(targetUrl('h2c', '10.0.0.2', 8080).href, 'h2c://10.0.0.2:8080/');
  assert.is(targetUrl('grpc', '::1', 1).host, '[::1]:1');
  for (const p of ['http1', 'h2c', 'grpc', 'tcp', 'https', 'h2'] as const) assert.is(protocolOfUrl(targetUrl(p, '127.0.0.1', 9)), p);
  assert.is(targetUrl('h2', '10.0.0.2', 8080).href, 'h2://10.0.0.2:8080/');
  // An external https:// target is HTTP/1.1 over TLS: the same protocol as the workload's `https`.
  assert.is(protocolOfUrl(new URL('https://x/')), 'https');
  assert.is(protocolOfUrl(new URL('ftp://x/')), undefined);
});

test.run();
