import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readScenarioFile } from '../../src/scenario/parse.ts';
import { resolveScenario, scenarioHash } from '../../src/scenario/resolve.ts';
import { scenarioJsonSchema } from '../../src/scenario/schema.ts';
import { fixture, repoRoot } from '../helpers.ts';

const shipped = readdirSync(join(repoRoot, 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => join(repoRoot, 'scenarios', f));
const good = readdirSync(fixture('scenarios/good')).map((f) => fixture(`scenarios/good/${f}`));

test('there are shipped scenarios', () => {
  assert.ok(shipped.length >= 1);
});

for (const file of [...shipped, ...good]) {
  test(`accepts ${file.slice(repoRoot.length)}`, async () => {
    const parsed = await readScenarioFile(file);
    assert.ok(parsed.input.name.length > 0);
  });
}

test('defaults fill a minimal scenario', async () => {
  const s = resolveScenario((await readScenarioFile(fixture('scenarios/good/minimal.yaml'))).input);
  assert.equal(s.platform, 'local');
  assert.equal(s.meshes, ['none', 'istio', 'appmesh']);
  assert.equal(s.load.connections, [4]);
  assert.equal(s.load.ratesRps, null);
  assert.equal(s.load.durationMs, 10_000);
  assert.equal(s.load.warmupMs, 2_000);
  assert.equal(s.workload, { payloadBytes: 1024, serviceDelayUs: 0, errorRate: 0 });
  assert.equal(s.repetitions, 3);
});

test('the scenario hash ignores name and output but not what is measured', async () => {
  const s = resolveScenario((await readScenarioFile(fixture('scenarios/good/minimal.yaml'))).input);
  const renamed = { ...s, name: 'other', output: 'elsewhere' };
  const slower = { ...s, workload: { ...s.workload, serviceDelayUs: 200 } };
  assert.is(scenarioHash(renamed), scenarioHash(s));
  assert.is.not(scenarioHash(slower), scenarioHash(s));
});

test('docs/scenario.schema.json is what `bench schema` prints (UPDATE_EXPECTED=1 rewrites it)', () => {
  const file = join(repoRoot, 'docs/scenario.schema.json');
  const current = `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
  if (process.env.UPDATE_EXPECTED) writeFileSync(file, current);
  assert.fixture(readFileSync(file, 'utf8'), current);
});

test('the JSON Schema rejects unknown keys and knows the meshes', () => {
  const schema = scenarioJsonSchema() as { additionalProperties: boolean; properties: Record<string, { items?: { anyOf?: { enum?: string[] }[] } }> };
  assert.is(schema.additionalProperties, false);
  // A built-in name (offered by editors) or the name of a mesh the scenario defines.
  assert.equal(schema.properties.meshes?.items?.anyOf?.[0]?.enum, ['none', 'istio', 'istio-ambient', 'appmesh', 'linkerd']);
});

test.run();
