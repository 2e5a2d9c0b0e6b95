/** `npm run lint:deps`: passes on this tree, and fails on an upward import or a cycle. */
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, repoRoot } from '../helpers.ts';

function lintDeps(root?: string) {
  const r = spawnSync(process.execPath, ['scripts/lint-deps.ts', ...(root ? [root] : [])], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('the layer order holds on this tree, and the check says how much it covered', () => {
  const r = lintDeps();
  assert.is(r.code, 0, r.err);
  const modules = Number(/(\d+) modules/.exec(r.out)?.[1] ?? 0);
  assert.ok(modules > 50, `cruised only ${modules} modules: the parser is not reading TypeScript`);
});

test('an upward import (meshes → scenario) fails with the rule and the edge', () => {
  const r = lintDeps(fixture('lint-deps/upward'));
  assert.is(r.code, 1);
  assert.match(r.err, /meshes-imports-only-below: src\/meshes\/index\.ts → src\/scenario\/limits\.ts/);
});

test('an import cycle fails', () => {
  const r = lintDeps(fixture('lint-deps/cycle'));
  assert.is(r.code, 1);
  assert.match(r.err, /no-circular: src\/results\/a\.ts → src\/results\/b\.ts/);
});

test.run();
