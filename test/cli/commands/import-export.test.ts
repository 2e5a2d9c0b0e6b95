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

test('an imported trial meets the same error budget as a measured one: 1.7 % failed is invalid at 1 %', async () => {
  const { code, result, err } = await importOne([fixture('interop/fortio-load.json'), '--mesh', 'appmesh']);
  assert.is(code, 0, err);
  const t = result!.trials[0]!;
  assert.ok(t.status === 'invalid' && /failed requests 1\.7% exceed the error budget 1\.0%/.test(t.reasons.join()), JSON.stringify(t.status === 'invalid' && t.reasons));
  assert.match(err, /is invalid \(failed requests 1\.7%.*--error-budget raises the budget/);
  const bad = await importOne([fixture('interop/fortio-load.json'), '--mesh', 'appmesh', '--error-budget', '5']);
  assert.is(bad.code, 2);
  assert.match(bad.err, /--error-budget must be a fraction from 0 to 1, not "5"/);
  assert.is(result!.scenario.load.errorBudget, 0.01);
  const raised = await importOne([fixture('interop/fortio-load.json'), '--mesh', 'appmesh', '--error-budget', '0.02']);
  assert.is(raised.result!.trials[0]!.status, 'valid');
  assert.is(raised.result!.scenario.load.errorBudget, 0.02, 'the budget the trial was judged by is in the result');
});

test('importing the same files again into the same folder replaces the earlier import, and says so', async () => {
  const out = join(dir, 'again');
  const once = async (budget: string) => {
    const io = captureIO({ cwd: dir });
    assert.is(await main(['import', fixture('interop/fortio-load.json'), '--mesh', 'appmesh', '--error-budget', budget, '--output', out], io), 0, io.err());
    return io.err();
  };
  assert.not.match(await once('0.01'), /replaced/);
  assert.match(await once('0.02'), /note: again\/imported-[0-9a-f]+\/result\.json held an earlier import of the same files; it is replaced/);
  const folders = readdirSync(out);
  assert.is(folders.length, 1);
  assert.is((await readResult(join(out, folders[0]!, 'result.json'))).scenario.load.errorBudget, 0.02, 'the second import is what is kept');
});

test('imported metadata comes from the file or is unknown: start, end, length, platform', async () => {
  const { result } = await importOne([fixture('interop/fortio-load.json'), '--mesh', 'appmesh', '--error-budget', '0.02']);
  assert.match(result!.startedAt, /^2026-12-01T12:14:42\.969/);
  assert.ok(result!.finishedAt !== null && Date.parse(result!.finishedAt) - Date.parse(result!.startedAt) === 5_001, String(result!.finishedAt));
  const k6 = await importOne([fixture('interop/k6-summary.json'), '--mesh', 'appmesh', '--level', 'c4-r200', '--error-budget', '0.05']);
  assert.equal([k6.result!.startedAt, k6.result!.finishedAt], ['unknown', null], 'k6 does not say when it ran: not the time of the import');
  const { renderMarkdown } = await import('../../../src/report/markdown.ts');
  const { summarizeRun } = await import('../../../src/results/summary.ts');
  const md = renderMarkdown(k6.result!, summarizeRun(k6.result!), { cost: { pods: 1, usdPerVcpuHour: 0, usdPerGibHour: 0 } });
  assert.match(md, /Platform `imported \(k6\)`.*1 repetition\(s\) of 5 s per mesh/, 'the length k6 recorded, not a default');
  assert.not.match(md, /10 s per mesh/);
});

test('a Fortio run imports as a valid trial of the mesh (within its error budget), marked imported with what it lacks', async () => {
  const { code, result, err } = await importOne([fixture('interop/fortio-load.json'), '--mesh', 'appmesh', '--error-budget', '0.02']);
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
  const { code, result, err } = await importOne([fixture('interop/k6-summary.json'), '--mesh', 'appmesh', '--level', 'c4-r200', '--error-budget', '0.05']);
  assert.is(code, 0, err);
  const t = result!.trials[0]!;
  assert.ok(t.status === 'valid' && t.latency.p99Us === null && t.latency.p90Us !== null);
  const missing = await importOne([fixture('interop/k6-summary.json'), '--mesh', 'appmesh']);
  assert.is(missing.code, 2);
  assert.match(missing.err, /does not record how many connections it used[\s\S]*--level c<connections>-r<rate>/);
});

test('an imported Fortio App Mesh run as the baseline gates an Istio run: pass, then regression', async () => {
  const { result } = await importOne([fixture('interop/fortio-load.json'), '--mesh', 'appmesh', '--error-budget', '0.02']);
  const baseline = join(dir, 'appmesh-archive.json');
  writeFileSync(baseline, JSON.stringify(result));
  const istio = (p99Us: number) => fakeRun((_mesh, rep) => ({ latenciesUs: Array.from({ length: 200 }, (_, i) => (i < 196 ? 1000 : p99Us + rep)), achievedRps: 200 }), { meshes: ['none', 'istio'], load: { mode: 'rate', rate: 200, connections: 4 }, repetitions: 6 });
  for (const [name, p99, exit, verdict] of [['fast', 4000, 0, 'pass'], ['slow', 8000, 1, 'REGRESSION']] as const) {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'result.json'), JSON.stringify({ ...istio(p99), runId: name }));
    const io = captureIO({ cwd: dir });
    assert.is(await main(['compare', baseline, name, '--gate', 'istio:p99 < appmesh:p99 * 1.10'], io), exit, io.out() + io.err());
    assert.match(io.out(), new RegExp(`istio\\s+c4-r200\\s+istio:p99 < appmesh:p99 \\* 1\\.10.*${verdict}`));
    assert.match(io.out(), /appmesh is imported-[0-9a-f]+ \(imported from fortio: .*fortio-load\.json\), a fixed reference: its own noise is unknown/);
    assert.match(io.out(), /note: platform differs: imported \(fortio\) → local/, 'the two environments are named, not refused');
  }
});

test('an archive given for a mesh the run also has is the one judged, and every output names both sources', async () => {
  const { result } = await importOne([fixture('interop/fortio-load.json'), '--mesh', 'appmesh', '--error-budget', '0.02']);
  const archive = join(dir, 'appmesh-archive-2.json');
  writeFileSync(archive, JSON.stringify(result));
  // The run's own App Mesh emulation is far faster than the archive: judged against it, istio would regress.
  const run = fakeRun(
    (mesh, rep) => ({ latenciesUs: Array.from({ length: 200 }, (_, i) => (i < 196 ? 1000 : (mesh === 'appmesh' ? 1500 : 4000) + rep)), achievedRps: 200 }),
    { meshes: ['none', 'appmesh', 'istio'], load: { mode: 'rate', rate: 200, connections: 4 }, repetitions: 6, gates: ['istio:p99 < appmesh:p99 * 1.10'] },
  );
  mkdirSync(join(dir, 'both'), { recursive: true });
  writeFileSync(join(dir, 'both', 'result.json'), JSON.stringify({ ...run, runId: 'both' }));
  const io = captureIO({ cwd: dir });
  assert.is(await main(['compare', archive, 'both', '--gate', 'istio:p99 < appmesh:p99 * 1.10', '--markdown', 'both.md'], io), 0, io.out() + io.err());
  assert.match(io.out(), /istio\s+c4-r200\s+istio:p99 < appmesh:p99 \* 1\.10.*pass/);
  assert.match(io.out(), /\[istio from this run vs appmesh from imported-[0-9a-f]+ \(imported from fortio/);
  assert.match(readFileSync(join(dir, 'both.md'), 'utf8'), /istio from this run against appmesh from imported-/);
});

test("another tool's raw output given to compare is imported on the fly, or refused with how", async () => {
  const istio = fakeRun((_mesh, rep) => ({ latenciesUs: Array.from({ length: 200 }, (_, i) => (i < 196 ? 1000 : 4000 + rep)), achievedRps: 200 }), { meshes: ['none', 'istio'], load: { mode: 'rate', rate: 200, connections: 4 }, repetitions: 6 });
  mkdirSync(join(dir, 'raw-istio'), { recursive: true });
  writeFileSync(join(dir, 'raw-istio', 'result.json'), JSON.stringify({ ...istio, runId: 'raw-istio' }));
  const io = captureIO({ cwd: dir });
  // The gate names one reference mesh: the Fortio file is taken as that mesh's archive.
  assert.is(await main(['compare', fixture('interop/fortio-load.json'), 'raw-istio', '--gate', 'istio:p99 < appmesh:p99 * 1.10'], io), 1, io.err());
  // The archive is over the default error budget (1.7 % failed): its latency is not used, and that fails as no data.
  assert.match(io.out(), /no valid trial of appmesh with p99 at c4-r200 in this run or imported-[0-9a-f]+ \(imported from fortio: .*fortio-load\.json\)/);
  assert.match(io.out(), /Gate: NO DATA/);
  const noMesh = captureIO({ cwd: dir });
  assert.is(await main(['compare', fixture('interop/fortio-load.json'), 'raw-istio', '--gate', 'p99 < +10%'], noMesh), 2);
  assert.match(noMesh.err(), /this is Fortio JSON \(fortio load -json\), not a meshbench result, and which mesh it measured is not known/);
  assert.match(noMesh.err(), /--reference-mesh NAME.*bench import/s);
  const junk = join(dir, 'junk.txt');
  writeFileSync(junk, 'hello');
  const bad = captureIO({ cwd: dir });
  assert.is(await main(['compare', junk, 'raw-istio'], bad), 2);
  assert.match(bad.err(), /not a meshbench result \(no schemaVersion\) and not a file meshbench can import/);
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
