/**
 * `bench run --url ...`: a quick run with no YAML against a real HTTP server on loopback, and the
 * same flags overriding a scenario file's values, recorded in result.json and shown in summary.md.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../../src/cli/main.ts';
import type { RunResult } from '../../../src/results/model.ts';
import { RunJson } from '../../../src/report/json-shapes.ts';
import { captureIO, finishedRun } from '../../helpers.ts';

let server: Server;
let url = '';
let served = 0;

test.before(async () => {
  server = createServer((_req, res) => {
    served++;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

test.after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function onlyResult(dir: string): { result: RunResult; folder: string } {
  const [name] = readdirSync(dir);
  const folder = join(dir, name!);
  return { result: JSON.parse(readFileSync(join(folder, 'result.json'), 'utf8')) as RunResult, folder };
}

test('bench run --url URL --rate 500 --duration 5s --reps 1 loads the URL with no YAML', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-quick-'));
  const io = captureIO();
  const before = served;
  assert.ok(finishedRun(await main(['run', '--url', url, '--rate', '500', '--duration', '5s', '--reps', '1', '--output', dir], io), io.err()), io.err());
  const { result, folder } = onlyResult(dir);
  assert.is(result.scenario.platform, 'external');
  assert.equal(result.scenario.meshes, ['none']);
  assert.equal(result.scenario.load.ratesRps, [500]);
  assert.is(result.scenario.load.durationMs, 5_000);
  assert.is(result.trials.length, 1);
  const trial = result.trials[0]!;
  assert.ok(trial.status === 'valid' || trial.status === 'invalid', `trial ${trial.status}`);
  // 5 s at 500 rps, give or take the machine: the server saw them and the trial counted them.
  assert.ok(trial.load.requests > 2_000, `${trial.load.requests} requests in the window`);
  assert.ok(served - before >= trial.load.requests, `the server saw ${served - before}`);
  assert.equal(result.overrides, [
    { flag: '--url', path: 'target', value: url },
    { flag: '--rate', path: 'load.mode', value: 'rate' },
    { flag: '--rate', path: 'load.rate', value: 500 },
    { flag: '--duration', path: 'load.duration', value: '5s' },
    { flag: '--reps', path: 'repetitions', value: 1 },
  ]);
  assert.is(result.scenarioFile, '(command line)');
  assert.equal(result.layout, { name: 'loopback', reason: 'platform external: only the load generator runs here, against the target' });
  assert.match(io.out(), /^Layout: loopback \(platform external: only the load generator runs here, against the target\)$/m);
  assert.match(io.out(), new RegExp(`Overrides \\(command line\\): --url ${url} \\(target\\), --rate 500 \\(load.rate\\), --duration 5s \\(load.duration\\), --reps 1 \\(repetitions\\)`));
  assert.match(readFileSync(join(folder, 'summary.md'), 'utf8'), /Overrides \(command line\): --url /);
  assert.match(readFileSync(join(folder, 'report.html'), 'utf8'), /Overrides \(command line\): --url /);
});

test("the same flags override a scenario file's values for one run", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-override-'));
  const file = join(dir, 'external.yaml');
  writeFileSync(file, `name: ext\nplatform: external\ntarget: ${url}\nload: { mode: max, connections: 8, duration: 30s }\nrepetitions: 5\n`);
  const io = captureIO();
  assert.ok(finishedRun(await main(['run', file, '--rate', '200', '--connections', '2', '--duration', '1s', '--warmup', '200ms', '--reps', '2', '--output', join(dir, 'out')], io), io.err()), io.err());
  const { result } = onlyResult(join(dir, 'out'));
  assert.is(result.scenario.load.mode, 'rate');
  assert.equal(result.scenario.load.ratesRps, [200]);
  assert.equal(result.scenario.load.connections, [2]);
  assert.is(result.scenario.repetitions, 2);
  assert.is(result.trials.length, 2);
  assert.equal(result.overrides!.map((o) => o.flag), ['--rate', '--rate', '--connections', '--duration', '--warmup', '--reps']);
});

test('bench run --json: stdout is one document of the documented shape; the text goes to stderr', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-quick-json-'));
  const io = captureIO();
  const code = await main(['run', '--url', url, '--rate', '200', '--duration', '1s', '--warmup', '200ms', '--reps', '2', '--output', dir, '--json'], io);
  assert.ok(finishedRun(code, io.err()), io.err());
  const run = RunJson.parse(JSON.parse(io.out()));
  assert.is(run.exitCode, code);
  assert.is(run.status, 'completed');
  assert.is(run.resultDir, onlyResult(dir).folder);
  assert.is(run.cells.length, 1);
  const [cell] = run.cells;
  assert.is(cell!.trials.valid + cell!.trials.invalid, 2);
  assert.equal(run.overrides.map((o) => o.flag), ['--url', '--rate', '--rate', '--duration', '--warmup', '--reps']);
  assert.is(run.headline.length, 1);
  assert.match(io.err(), /Overrides \(command line\)/);
  assert.match(io.err(), /Wrote /);
});

test('bad flags get their own message and start nothing (exit 2)', async () => {
  const cases: [string[], RegExp][] = [
    [['run', '--url', url, '--rate', 'fast'], /--rate takes whole numbers of at least 1 \(requests per second\), not "fast"/],
    [['run', '--url', url, '--duration', '30'], /--duration takes a duration with its unit, not "30"/],
    [['run', '--url', url, '--reps', '0'], /--reps takes whole numbers of at least 1, not "0"/],
    [['run', '--url', 'ftp://x/'], /--url takes an http:\/\/ or https:\/\/ URL, not "ftp:\/\/x\/"/],
    [['run'], /`bench run` needs a SCENARIO file, or --url URL for a quick run/],
    [['run', 'scenarios/http-basic.yaml', '--url', url], /--url loads a URL and deploys nothing, but scenarios\/http-basic\.yaml deploys on platform `local`/],
    [['run', '--url', url, '--rate', '5000000'], /command line: --rate 5000000 \(load\.rate\)/],
  ];
  for (const [argv, message] of cases) {
    const io = captureIO();
    assert.is(await main(argv, io), 2, `${argv.join(' ')}: ${io.err()}`);
    assert.match(io.err(), message);
    assert.is(io.out(), '', `${argv.join(' ')} printed on stdout`);
  }
});

test.run();
