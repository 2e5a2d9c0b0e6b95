/**
 * Scenario files that would cost more than they say: 50 MB, nesting 10,000 deep, plans far over
 * what anyone means. Refused fast, before the YAML parser (whose recursion would blow its stack),
 * with the limit in the message.
 */
import { mkdtempSync, openSync, closeSync, writeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli/main.ts';
import { ScenarioError } from '../../src/errors.ts';
import { findDepthExcess } from '../../src/scenario/limits.ts';
import { parseScenario, readScenarioFile } from '../../src/scenario/parse.ts';
import { captureIO } from '../helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshbench-limits-'));

async function refusal(run: () => Promise<unknown> | unknown): Promise<{ message: string; ms: number }> {
  const t0 = performance.now();
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  const ms = performance.now() - t0;
  assert.instance(error, ScenarioError, 'accepted');
  const e = error as ScenarioError;
  return { message: `${e.issues[0]!.where}: ${e.issues[0]!.what}`, ms };
}

test('a 50 MB scenario file is refused after reading 1 MiB of it, in well under a second', async () => {
  const file = join(dir, 'huge.yaml');
  const fd = openSync(file, 'w');
  const block = Buffer.from('# padding padding padding padding padding padding padding padding\n'.repeat(16_000));
  for (let written = 0; written < 50 * 1024 * 1024; written += block.length) writeSync(fd, block);
  closeSync(fd);
  const rssBefore = process.memoryUsage().rss;
  const { message, ms } = await refusal(() => readScenarioFile(file, 'huge.yaml'));
  assert.match(message, /^huge\.yaml: the file is 50\.\d MiB; a scenario may be at most 1 MiB$/);
  assert.ok(ms < 1_000, `${ms} ms`);
  // Reading it all would take 50 MB at least (100 MB as a JS string).
  assert.ok(process.memoryUsage().rss - rssBefore < 25 * 1024 * 1024, 'memory grew as if the file was read');
});

const deep = {
  'flow lists': `name: deep\nload: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
  'flow mappings': `name: deep\nload: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`,
  'compact block lists': `name: deep\nmeshes:\n  ${'- '.repeat(10_000)}none\n`,
  'indented mappings': `name: deep\n${Array.from({ length: 100 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n`,
};

for (const [shape, text] of Object.entries(deep)) {
  test(`nesting too deep (${shape}) is refused by depth, with its line and column`, async () => {
    const { message, ms } = await refusal(() => parseScenario(text, 'deep.yaml'));
    assert.match(message, /^deep\.yaml:\d+:\d+: mappings and lists nest more than 64 levels deep$/);
    assert.ok(ms < 1_000, `${ms} ms`);
  });
}

test('the depth scan does not count brackets in quotes or comments, nor ordinary scenarios', () => {
  assert.is(findDepthExcess(`name: "${'['.repeat(100)}"\n# ${'{'.repeat(100)}\nmeshes: [none]\n`), null);
  assert.is(findDepthExcess('name: x\nload:\n  connections: [1, 2, 4]\ncustomMeshes:\n  m:\n    manifests:\n      - apiVersion: v1\n        kind: ConfigMap\n        metadata: { name: a, labels: { x: y } }\n'), null);
  assert.ok(findDepthExcess(`x: ${'['.repeat(65)}`));
  // An apostrophe inside a plain scalar does not hide what follows it.
  assert.ok(findDepthExcess(`x: [it's, ${'['.repeat(65)}`));
  assert.is(findDepthExcess(`x: ${'['.repeat(63)}`), null);
});

test('a plan over the soft ceilings needs --i-mean-it; the refusal says what it would take', async () => {
  // Rate over 100 000 rps, against a target that refuses, so the forced run ends at once.
  writeFileSync(join(dir, 'fast.yaml'), 'name: fast\nplatform: external\ntarget: http://127.0.0.1:1/\nload:\n  mode: rate\n  rate: 200000\n  connections: 100\n  duration: 1s\n  warmup: 0s\nrepetitions: 1\noutput: out\n');
  const refused = captureIO({ cwd: dir });
  assert.is(await main(['run', 'fast.yaml'], refused), 2);
  assert.match(refused.err(), /the plan goes over meshbench's soft ceilings: 200000 rps \(ceiling 100000\)/);
  assert.match(refused.err(), /add --i-mean-it/);

  const forced = captureIO({ cwd: dir });
  assert.is(await main(['run', 'fast.yaml', '--i-mean-it'], forced), 3, forced.err());
  assert.match(forced.err(), /failed in deploy: the target http:\/\/127\.0\.0\.1:1\/ does not answer/);
});

test('a 3000-trial plan is refused; the dry run prints what the plan needs first', async () => {
  writeFileSync(join(dir, 'many.yaml'), 'name: many\nmeshes: [none, istio, appmesh]\nrepetitions: 1000\n');
  const io = captureIO({ cwd: dir });
  assert.is(await main(['run', 'many.yaml'], io), 2);
  assert.match(io.err(), /the plan goes over meshbench's soft ceilings: 3000 trials \(ceiling 1000\)\n/);
  const dry = captureIO({ cwd: dir });
  assert.is(await main(['run', '--dry-run', 'many.yaml'], dry), 0);
  // 3000 × (2 s warmup + 10 s window + 1.5 s deploy and teardown) = 11 h 15 min.
  assert.match(dry.out().split('\n')[0]!, /^Needs: about 11h15m for 3000 trial\(s\); up to 4 connection\(s\), as fast as it goes, about 24 file descriptors at the peak, 3 process\(es\) per trial$/);
});

test.run();
