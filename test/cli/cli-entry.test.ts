/**
 * bin/bench.js runs the bundled CLI (src/cli/bundle.ts) for the commands that start no process,
 * only while the bundle is current: the bundle answers as the sources do, and a changed or missing
 * source, another command or an unreadable stamp sends it back to the sources.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cliEntry } from '../../bin/cli-entry.js';
import { bundleCli } from '../../src/cli/bundle.ts';
import { repoRoot } from '../helpers.ts';

const dirUrl = (dir: string) => pathToFileURL(`${dir}/`);

/** `bench ARGS` through the module at `entry`, in a fresh process: its exit code and output. */
function runEntry(entry: URL, args: string[]) {
  const script = `
    const { main } = await import(${JSON.stringify(entry.href)});
    const out = [], err = [];
    const code = await main(${JSON.stringify(args)}, { stdout: { write: (s) => out.push(s) }, stderr: { write: (s) => err.push(s) }, env: {}, cwd: process.cwd(), signal: new AbortController().signal });
    process.stdout.write(JSON.stringify({ code, out: out.join(''), err: err.join('') }));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
  assert.is(child.status, 0, child.stderr);
  return JSON.parse(child.stdout) as { code: number; out: string; err: string };
}

test('the bundle answers validate, --version and --help exactly as the sources do', async () => {
  const out = await mkdtemp(path.join(tmpdir(), 'meshbench-cli-bundle-'));
  try {
    const stamp = await bundleCli(out);
    assert.ok(stamp.inputs.includes('src/cli/commands/validate.ts') && stamp.inputs.includes('src/scenario/schema.ts') && stamp.inputs.includes('package-lock.json'), stamp.inputs.join(' '));
    assert.not.ok(stamp.inputs.some((i) => i.includes('node_modules')));
    const root = dirUrl(repoRoot);
    const bundled = cliEntry(['validate'], root, dirUrl(out));
    assert.is(bundled.href, pathToFileURL(path.join(out, 'main.js')).href, 'a fresh bundle is chosen');
    const bad = path.join(out, 'bad.yaml');
    await writeFile(bad, 'name: x\nplatform: local\nmeshes: [none, istoi]\nload: { mode: rate, rate: 10 }\n');
    for (const args of [['validate', 'scenarios/http-basic.yaml'], ['validate', bad], ['--version'], ['--help'], ['help', 'validate']]) {
      const a = runEntry(bundled, args);
      const b = runEntry(new URL('src/cli/main.ts', root), args);
      assert.equal(a, b, `bench ${args.join(' ')}`);
    }
    assert.is(runEntry(bundled, ['validate', bad]).code, 2, 'a bad scenario still fails from the bundle');
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('a changed or missing input, another command, or an unreadable stamp runs the sources', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'meshbench-cli-entry-'));
  try {
    await mkdir(path.join(root, 'src/cli'), { recursive: true });
    await mkdir(path.join(root, 'dist/cli'), { recursive: true });
    const input = path.join(root, 'src/cli/main.ts');
    await writeFile(input, '');
    const builtAtMs = Date.now();
    const stampFile = path.join(root, 'dist/cli/inputs.json');
    await writeFile(stampFile, JSON.stringify({ builtAtMs, inputs: ['src/cli/main.ts'] }));
    const old = new Date(builtAtMs - 60_000);
    await utimes(input, old, old);
    const r = dirUrl(root);
    const bundle = new URL('dist/cli/main.js', r).href;
    const source = new URL('src/cli/main.ts', r).href;
    assert.is(cliEntry(['validate', 'x.yaml'], r).href, bundle);
    assert.is(cliEntry(['--version'], r).href, bundle);
    assert.is(cliEntry(['run', 'x.yaml'], r).href, source, 'run starts processes: never bundled');
    assert.is(cliEntry([], r).href, source);
    const later = new Date(builtAtMs + 1_000);
    await utimes(input, later, later);
    assert.is(cliEntry(['validate'], r).href, source, 'an input changed after the build');
    await utimes(input, old, old);
    await rm(input);
    assert.is(cliEntry(['validate'], r).href, source, 'an input is gone');
    await writeFile(input, '');
    await utimes(input, old, old);
    await writeFile(stampFile, '{ not json');
    assert.is(cliEntry(['validate'], r).href, source, 'an unreadable stamp');
    await writeFile(stampFile, JSON.stringify({ builtAtMs, inputs: [] }));
    assert.is(cliEntry(['validate'], r).href, source, 'a stamp that lists nothing');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test.run();
