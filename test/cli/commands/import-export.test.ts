/**
 * bench import and bench export through the CLI, on the real-format fixtures: an archived Fortio
 * App Mesh run becomes a baseline that gates an Istio run (issue 13).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../../src/cli/main.ts';
import type { RunResult } from '../../../src/results/model.ts';
import { readResult } from '../../../src/results/store.ts';
import { fakeRun } from '../../fakes/results.ts';
import { captureIO, fixture } from '../../helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshbench-import-'));

async function importOne(args: string[]): Promise<{ code: number; result: RunResult | null; out: string; err: string }> {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  const io = captureIO({ cwd: dir });
  const code = await main(['import', ...args, '--output', out], io);
  const folder = code === 0 ? readdirSync(out)[0] : undefined;
  return { code, result: folder ? await readResult(join(out, folder, 'result.json')) : null, out: io.out(), err: io.err() };
}

test('a Fortio run imports as a valid trial of the mesh, marked imported with what it lacks', async () => {
  const { code, result, err } = await importOne([fixture('interop/fortio-load.json'), '--mesh', 'appmesh']);
  assert.is(code, 0, err);
  assert.is(result!.source.kind, 'imported');
  assert.ok(result!.source.kind === 'imported' && result!.source.lacks.some((l) => /per-repetition spread/.test(l)));
  assert.equal(result!.scenario.meshes, ['appmesh']);
  const t = result!.trials[0]!;
  assert.ok(t.status === 'valid');
  if (t.status !== 'valid') return;
  assert.match(t.meshLabel, /^appmesh \(imported from fortio 1\.66\.0/);
  assert.is(t.trial.level.id, 'c4-r200');
  // Fortio printed p99 4750 µs over every call; the all-attempts figure is within one HDR bucket of it.
  assert.ok(Math.abs(t.allAttemptsLatency.p99Us! - 4750) <= 5, `p99 ${t.allAttemptsLatency.p99Us}`);
  assert.is(t.load.responsesNon2xx, 17);
});

test('a k6 summary without p(99) imports, and its P99 stays unknown rather than made up', async () => {
  const { code, result, err } = await importOne([fixture('interop/k6-summary.json'), '--mesh', 'appmesh', '--level', 'c4-r200']);
  assert.is(code, 0, err);
  const t = result!.trials[0]!;
  assert.ok(t.status === 'valid' && t.latency.p99Us === null && t.latency.p90Us !== null);
  const missing = await importOne([fixture('interop/k6-summary.json'), '--mesh', 'appmesh']);
  assert.is(missing.code, 2);
  assert.match(missing.err, /does not record how many connections it used[\s\S]*--level c<connections>-r<rate>/);
});

test('an imported Fortio App Mesh run as the baseline gates an Istio run: pass, then regression', async () => {
  const { result } = await importOne([fixture('interop/fortio-load.json'), '--mesh', 'appmesh']);
  const baseline = join(dir, 'appmesh-archive.json');
  writeFileSync(baseline, JSON.stringify(result));
  const istio = (p99Us: number) => fakeRun((_mesh, rep) => ({ latenciesUs: Array.from({ length: 200 }, (_, i) => (i < 196 ? 1000 : p99Us + rep)), achievedRps: 200 }), { meshes: ['none', 'istio'], load: { mode: 'rate', rate: 200, connections: 4 } });
  for (const [name, p99, exit, verdict] of [['fast', 4000, 0, 'pass'], ['slow', 8000, 1, 'REGRESSION']] as const) {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'result.json'), JSON.stringify({ ...istio(p99), runId: name }));
    const io = captureIO({ cwd: dir });
    assert.is(await main(['compare', baseline, name, '--gate', 'istio:p99 < appmesh:p99 * 1.10'], io), exit, io.out() + io.err());
    assert.match(io.out(), new RegExp(`istio\\s+c4-r200\\s+istio:p99 < appmesh:p99 \\* 1\\.10.*${verdict}`));
    assert.match(io.out(), /appmesh is an archived reference: its own noise is unknown/);
    assert.match(io.out(), /note: platform differs: imported \(fortio\) → local/, 'the two environments are named, not refused');
  }
});

test('bench export writes Fortio JSON and SMP documents next to the result', async () => {
  const run = join(dir, 'to-export');
  mkdirSync(run, { recursive: true });
  writeFileSync(join(run, 'result.json'), JSON.stringify(fakeRun(() => ({ latenciesUs: [100, 200, 300], achievedRps: 100 }))));
  for (const format of ['fortio', 'smp']) {
    const io = captureIO({ cwd: dir });
    assert.is(await main(['export', 'to-export', '--format', format], io), 0, io.err());
    const files = readdirSync(join(run, format));
    assert.ok(files.length >= 9, `${format}: ${files.length} files`);
    for (const f of files) JSON.parse(readFileSync(join(run, format, f), 'utf8'));
  }
  const bad = captureIO({ cwd: dir });
  assert.is(await main(['export', 'to-export', '--format', 'csv'], bad), 2);
  assert.match(bad.err(), /--format must be one of fortio, smp/);
});

test.run();
