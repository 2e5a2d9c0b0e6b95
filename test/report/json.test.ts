/**
 * `--json`: stdout holds exactly one document, and it parses with the documented shape
 * (src/report/json-shapes.ts, docs/json-output.md); the text for people goes to stderr.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli/main.ts';
import { CompareJson, PlanJson, ValidateJson } from '../../src/report/json-shapes.ts';
import { captureIO, fixture } from '../helpers.ts';
import { fakeRun } from '../fakes/results.ts';

/** The whole of stdout as one JSON document: anything else there fails JSON.parse. */
async function jsonOf(argv: string[], cwd?: string): Promise<{ code: number; document: unknown; err: string }> {
  const io = captureIO(cwd ? { cwd } : {});
  const code = await main(argv, io);
  return { code, document: JSON.parse(io.out()) as unknown, err: io.err() };
}

test('bench plan --json: the trials in run order, the estimate and the needs', async () => {
  const { code, document } = await jsonOf(['plan', 'scenarios/http-basic.yaml', '--json']);
  assert.is(code, 0);
  const plan = PlanJson.parse(document);
  assert.is(plan.trials.length, 9);
  assert.equal(plan.trials.slice(0, 3).map((t) => [t.index, t.mesh, t.level.targetRps, t.repetition]), [[1, 'none', 1000, 1], [2, 'istio', 1000, 1], [3, 'appmesh', 1000, 1]]);
  assert.is(plan.scenario.file, 'scenarios/http-basic.yaml');
  assert.ok(plan.estimatedMs > 9 * 12_000, `${plan.estimatedMs} ms for 9 trials of 12 s`);
});

test('bench validate --json: every file, its issues with where and fix; exit 2 when one is bad', async () => {
  const { code, document, err } = await jsonOf(['validate', '--json', fixture('scenarios/good/minimal.yaml'), fixture('scenarios/bad/unknown-nested-key.yaml')]);
  assert.is(code, 2);
  const v = ValidateJson.parse(document);
  assert.is(v.valid, false);
  assert.equal(v.files.map((f) => f.valid), [true, false]);
  assert.ok(v.files[0]!.trials! > 0);
  const [issue] = v.files[1]!.issues;
  assert.match(issue!.where, /unknown-nested-key\.yaml:4:3$/);
  assert.is(issue!.path, 'load.conections');
  assert.match(issue!.fix ?? '', /connections/);
  assert.match(err, /unknown key "conections"/, 'the text still goes to stderr');
});

test('bench compare --json: the outcome, the exit code and one result per gate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-json-'));
  const write = (name: string, istioUs: number) => {
    mkdirSync(join(dir, name));
    const run = fakeRun((mesh, rep) => ({ latenciesUs: Array.from({ length: 200 }, (_, i) => (mesh === 'istio' ? istioUs : 100) + rep * 2 + (i % 10)), achievedRps: 1000 }), { repetitions: 4 });
    writeFileSync(join(dir, name, 'result.json'), JSON.stringify({ ...run, runId: name }));
  };
  write('base', 400);
  write('slow', 700);
  const { code, document, err } = await jsonOf(['compare', 'base', 'slow', '--json'], dir);
  assert.is(code, 1);
  const c = CompareJson.parse(document);
  assert.is(c.outcome, 'regression');
  assert.is(c.exitCode, 1);
  assert.is(c.candidate.runId, 'slow');
  const istio = c.results.find((r) => r.mesh === 'istio' && r.gate === 'p50 < +10%')!;
  assert.is(istio.verdict, 'regression');
  assert.ok(istio.interval!.low > 0.5, `relative change ${JSON.stringify(istio.interval)}`);
  assert.is(istio.interval!.level, 68 / 70, 'the interval carries the level it really has (4 against 4)');
  assert.equal([c.failed, c.confidence], [true, 0.95]);
  assert.match(err, /Gate: REGRESSION/, 'the table goes to stderr');
});

test('a --json command that fails prints nothing on stdout', async () => {
  const io = captureIO();
  assert.is(await main(['plan', 'scenarios/nope.yaml', '--json'], io), 2);
  assert.is(io.out(), '');
});

test.run();
