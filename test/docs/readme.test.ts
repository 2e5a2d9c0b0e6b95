/** The README's reference must match the code: every scenario key and every CSV column. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TRIAL_CSV_COLUMNS } from '../../src/report/csv.ts';
import { SUMMARY_CSV_COLUMNS } from '../../src/report/summary-csv.ts';
import { scenarioJsonSchema } from '../../src/scenario/schema.ts';
import { repoRoot } from '../helpers.ts';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

interface JsonSchemaNode {
  properties?: Record<string, JsonSchemaNode>;
}

function keyPaths(node: JsonSchemaNode, prefix = ''): string[] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return child.properties ? keyPaths(child, path) : [path];
  });
}

test('every scenario key is in the README reference table', () => {
  const missing = keyPaths(scenarioJsonSchema() as JsonSchemaNode).filter((p) => !readme.includes(`| \`${p}\` |`));
  assert.equal(missing, []);
});

test('every results.csv and summary.csv column is listed in the README', () => {
  assert.equal(TRIAL_CSV_COLUMNS.filter((c) => !readme.includes(`\`${c}\``)), []);
  assert.equal(SUMMARY_CSV_COLUMNS.filter((c) => !readme.includes(`\`${c}\``)), []);
});

test('the README set-up commands are the ones CI runs', () => {
  const ci = readFileSync(join(repoRoot, '.ci/run'), 'utf8');
  assert.match(readme, /\.\/scripts\/setup\.sh && npx bench run scenarios\/http-basic\.yaml/);
  assert.match(readme, /\.\/scripts\/setup\.sh --test && npm test/);
  assert.match(ci, /\.\/scripts\/setup\.sh --test\n/);
  assert.match(ci, /npm test/);
});

test.run();
