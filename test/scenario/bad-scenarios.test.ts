/**
 * Every malformed scenario in test/fixtures/scenarios/bad/ must give exactly the message and
 * location in its `.expected` file (FILE stands for the scenario's path). To add a case, write the
 * YAML, run with UPDATE_EXPECTED=1, and read the new .expected file before committing it.
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatError } from '../../src/cli/errors-display.ts';
import { ScenarioError } from '../../src/errors.ts';
import { readScenarioFile } from '../../src/scenario/parse.ts';
import { fixture, repoRoot } from '../helpers.ts';

const dir = fixture('scenarios/bad');
const cases = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

test('there are at least 15 malformed scenarios', () => {
  assert.ok(cases.length >= 15, `only ${cases.length}`);
});

for (const name of cases) {
  test(`bad scenario ${name}`, async () => {
    const file = relative(repoRoot, `${dir}/${name}`);
    const expectedFile = `${dir}/${name.replace(/\.yaml$/, '.expected')}`;
    let error: unknown;
    try {
      await readScenarioFile(`${repoRoot}/${file}`);
    } catch (e) {
      error = e;
    }
    assert.instance(error, ScenarioError, `${name} was accepted`);
    const actual = formatError(error, false).replaceAll(`${repoRoot}/${file}`, 'FILE');
    if (process.env.UPDATE_EXPECTED || !existsSync(expectedFile)) {
      if (!process.env.UPDATE_EXPECTED) assert.unreachable(`missing ${expectedFile}; run with UPDATE_EXPECTED=1 and review it`);
      writeFileSync(expectedFile, actual);
    }
    assert.fixture(actual, readFileSync(expectedFile, 'utf8'));
  });
}

test.run();
