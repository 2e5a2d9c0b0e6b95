/** The CLI in-process: exit codes, messages and output of every command that starts nothing. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli/main.ts';
import { captureIO, fixture } from '../helpers.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tmp = mkdtempSync(join(tmpdir(), 'meshbench-cli-test-'));
function scenarioFile(name: string, text: string): string {
  const file = join(tmp, name);
  writeFileSync(file, text);
  return file;
}

test('--help prints usage and exits 0; no command exits 2', async () => {
  const io = captureIO();
  assert.is(await main(['--help'], io), 0);
  assert.match(io.out(), /run SCENARIO/);
  assert.is(await main([], captureIO()), 2);
});

test('--version prints the package version', async () => {
  const io = captureIO();
  assert.is(await main(['--version'], io), 0);
  assert.match(io.out(), /^meshbench \d+\.\d+\.\d+/);
});

test('an unknown command or flag is a usage error (2) with a hint', async () => {
  const io = captureIO();
  assert.is(await main(['rnu', 'x.yaml'], io), 2);
  assert.match(io.err(), /unknown command "rnu"/);
  assert.match(io.err(), /hint: run `bench --help`/);
  const io2 = captureIO();
  assert.is(await main(['run', '--fast', 'x.yaml'], io2), 2);
  assert.match(io2.err(), /Unknown option '--fast'/);
});

test('validate: good files exit 0, a bad one exits 2 with file:line:column and hint', async () => {
  const io = captureIO();
  assert.is(await main(['validate', 'scenarios/http-basic.yaml'], io), 0);
  assert.match(io.out(), /scenarios\/http-basic\.yaml: valid \(9 trials\)/);
  const bad = captureIO();
  assert.is(await main(['validate', fixture('scenarios/bad/unknown-nested-key.yaml')], bad), 2);
  assert.match(bad.err(), /unknown-nested-key\.yaml:4:3: error: unknown key "conections" in `load`\n  hint: did you mean "connections"\?/);
  assert.not.match(bad.err(), /at .*\.ts:\d+/, 'no stack trace without --debug');
});

test('validate reports every file, not only the first bad one', async () => {
  const io = captureIO();
  assert.is(await main(['validate', fixture('scenarios/bad/repetitions-zero.yaml'), fixture('scenarios/good/minimal.yaml'), fixture('scenarios/bad/empty-meshes.yaml')], io), 2);
  assert.match(io.err(), /repetitions-zero\.yaml:2:14/);
  assert.match(io.err(), /empty-meshes\.yaml:2:9/);
  assert.match(io.out(), /minimal\.yaml: valid/);
});

test('a missing scenario file is a usage error that names the file', async () => {
  const io = captureIO();
  assert.is(await main(['run', 'scenarios/nope.yaml'], io), 2);
  assert.match(io.err(), /error: scenarios\/nope\.yaml: scenario file not found/);
});

test('schema prints a JSON Schema', async () => {
  const io = captureIO();
  assert.is(await main(['schema'], io), 0);
  const schema = JSON.parse(io.out()) as { $schema: string; required: string[] };
  assert.match(schema.$schema, /json-schema\.org/);
  assert.equal(schema.required, ['name']);
});

test('run --dry-run prints the interleaved plan and its duration, and starts nothing', async () => {
  const io = captureIO();
  assert.is(await main(['run', '--dry-run', 'scenarios/http-basic.yaml'], io), 0);
  assert.match(io.out(), /9 trials/);
  assert.match(io.out(), /1\s+none\s+c4-r1000\s+4\s+1000\s+1\n2\s+istio\s+c4-r1000\s+4\s+1000\s+1\n3\s+appmesh/);
  assert.match(io.out(), /Estimated duration: 2m02s/);
});

test('platform kubernetes validates with no note; a run with an unreadable kubeconfig exits 2 naming it, before anything starts', async () => {
  const file = scenarioFile('k8s.yaml', 'name: k8s\nplatform: kubernetes\n');
  const validate = captureIO();
  assert.is(await main(['validate', file], validate), 0);
  assert.not.match(validate.out(), /note:/);
  const run = captureIO();
  assert.is(await main(['run', file, '--kubeconfig', '/nonexistent/kubeconfig'], run), 2);
  assert.match(run.err(), /\/nonexistent\/kubeconfig/);
});

test('a scenario error at run time exits 2 before anything starts', async () => {
  const io = captureIO();
  assert.is(await main(['run', fixture('scenarios/bad/duration-without-unit.yaml')], io), 2);
  assert.match(io.err(), /duration-without-unit\.yaml:3:13: error: `load.duration` must be a duration/);
});

test('--debug adds the stack trace', async () => {
  const io = captureIO();
  assert.is(await main(['run', '--debug', 'scenarios/nope.yaml'], io), 2);
  assert.match(io.err(), /UsageError: .*scenario file not found\n\s+at /);
});

test.run();
