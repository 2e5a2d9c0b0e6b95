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

test('--help prints usage and exits 0; no command prints it on stderr, says so and exits 2', async () => {
  const io = captureIO();
  assert.is(await main(['--help'], io), 0);
  assert.match(io.out(), /run \[SCENARIO\]/);
  const none = captureIO();
  assert.is(await main([], none), 2);
  assert.is(none.out(), '', 'nothing on stdout');
  assert.match(none.err(), /run \[SCENARIO\]/);
  assert.match(none.err(), /error: no command given \(exit 2\)/);
});

test('--version and -V print the package version', async () => {
  for (const flag of ['--version', '-V']) {
    const io = captureIO();
    assert.is(await main([flag], io), 0);
    assert.match(io.out(), /^meshbench \d+\.\d+\.\d+\n$/);
  }
});

test('bench help CMD prints what bench CMD --help prints; an unknown one is a usage error', async () => {
  const [a, b] = [captureIO(), captureIO()];
  assert.is(await main(['help', 'compare'], a), 0);
  assert.is(await main(['compare', '--help'], b), 0);
  assert.match(a.out(), /^bench compare: /);
  assert.is(a.out(), b.out());
  const bad = captureIO();
  assert.is(await main(['help', 'rnu'], bad), 2);
  assert.match(bad.err(), /unknown command "rnu"/);
});

test("a bad number or a misused flag gets meshbench's own message, not parseArgs'", async () => {
  const pods = captureIO();
  assert.is(await main(['report', 'x', '--pods', '-3'], pods), 2);
  assert.match(pods.err(), /--pods must be a number of at least 0, not "-3"/);
  const missing = captureIO();
  assert.is(await main(['run', 'x.yaml', '--output'], missing), 2);
  assert.match(missing.err(), /error: bench run: --output needs a value \(DIR\)/);
  const valued = captureIO();
  assert.is(await main(['run', 'x.yaml', '--dry-run=yes'], valued), 2);
  assert.match(valued.err(), /error: bench run: --dry-run takes no value/);
  for (const io of [pods, missing, valued]) assert.not.match(io.err(), /Option '|ambiguous|parseArgs/);
});

test('a command without arguments says it takes none and shows what it got', async () => {
  const io = captureIO();
  assert.is(await main(['schema', 'extra'], io), 2);
  assert.match(io.err(), /`bench schema` takes no arguments, got 1: "extra"/);
  assert.not.match(io.err(), /argument\(s\)|\(\)/);
});

test('an unknown command or flag is a usage error (2) with a hint', async () => {
  const io = captureIO();
  assert.is(await main(['rnu', 'x.yaml'], io), 2);
  assert.match(io.err(), /unknown command "rnu"/);
  assert.match(io.err(), /hint: run `bench --help`/);
  const io2 = captureIO();
  assert.is(await main(['run', '--fast', 'x.yaml'], io2), 2);
  assert.match(io2.err(), /unknown option --fast/);
  const io3 = captureIO();
  assert.is(await main(['run', '--dry-rnu', 'x.yaml'], io3), 2);
  assert.match(io3.err(), /hint: did you mean --dry-run\?/);
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
