/**
 * scripts/run-tests.ts: a test file that ends uvu's process early (an `after` hook that throws,
 * which uvu lets escape as an unhandled rejection: "Exiting early before testing is finished.")
 * no longer hides the files after it: they run in a new process, and the closing line counts
 * every file, the broken one as failed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../helpers.ts';

const passing = (n: number) => `import { test } from 'uvu';\nimport * as assert from 'uvu/assert';\n${Array.from({ length: n }, (_, i) => `test('t${i}', () => assert.ok(true));`).join('\n')}\ntest.run();\n`;

function runner(files: Record<string, string>, filter = '') {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-run-tests-'));
  // The fixture files import uvu from the repository's node_modules.
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  try {
    const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/run-tests.ts'), filter], { encoding: 'utf8', env: { ...process.env, MESHBENCH_TEST_DIR: dir }, timeout: 60_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a file whose after hook throws ends its process; the files after it still run and are counted', () => {
  const r = runner({
    'a.test.ts': passing(2),
    'b.test.ts': "import { test } from 'uvu';\nimport * as assert from 'uvu/assert';\ntest('fine', () => assert.ok(true));\ntest.after(() => { throw new Error('the tier is gone'); });\ntest.run();\n",
    'c.test.ts': passing(3),
  });
  assert.is(r.code, 1, r.out + r.err);
  // a: 2; b: uvu prints its suite's count only after the hook, so only the failure for the file; c: 3.
  assert.match(r.out, /\n5 passed, 1 failed\n/);
  assert.match(r.out, /ended their test process early: b\.test\.ts/);
  assert.match(r.out, /the remaining 1 file\(s\) run in a new one/);
});

test('all passing: one process, uvu\'s own totals, exit 0', () => {
  const r = runner({ 'a.test.ts': passing(2), 'b.test.ts': passing(1) });
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, /\n3 passed, 0 failed\n/);
  assert.not.match(r.out, /ended their test process early/);
});

test('a failing test fails the run and is counted; nothing matched is a failure too', () => {
  const r = runner({ 'a.test.ts': "import { test } from 'uvu';\nimport * as assert from 'uvu/assert';\ntest('no', () => assert.ok(false));\ntest('yes', () => assert.ok(true));\ntest.run();\n" });
  assert.is(r.code, 1);
  assert.match(r.out, /\n1 passed, 1 failed\n/);
  const none = runner({ 'a.test.ts': passing(1) }, 'zzz');
  assert.is(none.code, 1);
  assert.match(none.out, /0 passed, 1 failed\n\(no test file matched "zzz"\)/);
});

test.run();
