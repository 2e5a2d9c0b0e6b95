/**
 * `bench --version`, `--help` and `validate` load only what they use: the Kubernetes client, the
 * load engines and the reporters load with the commands that need them (the start-up figures are
 * in bench/README.md; this test checks which modules load, not how long it takes).
 */
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repoRoot } from '../helpers.ts';

/** The modules a fresh process loads to run `bench ARGS`, as file URLs. */
function modulesLoadedBy(args: string[]): string[] {
  const script = `
    const { registerHooks } = await import('node:module');
    const seen = [];
    registerHooks({ load(url, context, next) { seen.push(url); return next(url, context); } });
    const { main } = await import('./src/cli/main.ts');
    const sink = { write() { return true; } };
    const code = await main(${JSON.stringify(args)}, { stdout: sink, stderr: sink, env: {}, cwd: process.cwd(), signal: new AbortController().signal });
    process.stdout.write(JSON.stringify({ code, seen }));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
  assert.is(child.status, 0, child.stderr);
  const { code, seen } = JSON.parse(child.stdout) as { code: number; seen: string[] };
  assert.is(code, 0, `bench ${args.join(' ')} exited ${code}`);
  return seen;
}

const heavy = ['@kubernetes/client-node', 'autocannon', 'undici', 'hdr-histogram-js', '/src/report/', '/src/platforms/', '/src/load/'];

for (const args of [['--version'], ['-V'], ['--help'], ['help'], ['validate', 'scenarios/http-basic.yaml']]) {
  test(`bench ${args.join(' ')} loads none of ${heavy.join(', ')}`, () => {
    const seen = modulesLoadedBy(args);
    assert.ok(seen.some((u) => u.endsWith('/src/cli/main.ts')), 'the hook saw no module: the test sees nothing');
    assert.equal(seen.filter((u) => heavy.some((h) => u.includes(h))), []);
  });
}

test('the first run of a command loads its module: bench schema loads schema.ts and zod', () => {
  const seen = modulesLoadedBy(['schema']);
  assert.ok(seen.some((u) => u.endsWith('/src/cli/commands/schema.ts')));
  assert.ok(seen.some((u) => u.includes('/node_modules/zod/')));
});

test.run();
