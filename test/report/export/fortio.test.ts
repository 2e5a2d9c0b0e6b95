/**
 * The Fortio-format export has Fortio's own structure: compared field by field, type by type and
 * bucket by bucket with real `fortio load -json` output, and read back by meshbench's importer.
 * (fortio-check/ reads the same files with Fortio's Go types; see the fixtures README.)
 */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FORTIO_BUCKET_VALUES } from '../../../src/report/export/fortio-histogram.ts';
import { DEFAULT_FORTIO_RESOLUTION_S, exportFortio, FORTIO_FIELDS_NOT_EXPORTED, FORTIO_FIELDS_WHEN_KNOWN } from '../../../src/report/export/fortio.ts';
import { createLatencyHistogram, decodeHistogram, encodeHistogram, mergeHistograms } from '../../../src/results/histogram.ts';
import { importFortio } from '../../../src/results/import/fortio.ts';
import { isMeasured, type RunResult } from '../../../src/results/model.ts';
import { upgradeResult } from '../../../src/results/upgrade.ts';
import { fakeRun } from '../../fakes/results.ts';
import { fixture } from '../../helpers.ts';

type Json = Record<string, unknown>;
const real = JSON.parse(readFileSync(fixture('interop/fortio-load.json'), 'utf8')) as Json;
const measuredRun = upgradeResult(JSON.parse(readFileSync(fixture('results/v1-result.json'), 'utf8')));
const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Fortio's grid of bucket bounds at a resolution, in seconds. */
const grid = (resolutionS: number) => new Set(FORTIO_BUCKET_VALUES.map((b) => (b * resolutionS).toPrecision(9)));

function assertFortioHistogram(h: Json, resolutionS: number, what: string): void {
  assert.equal(Object.keys(h).sort(), Object.keys(real.DurationHistogram as Json).sort(), `${what}: HistogramData fields`);
  const data = h.Data as Json[];
  assert.ok(data.length > 0, `${what}: buckets`);
  const bounds = grid(resolutionS);
  let total = 0;
  let percent = 0;
  data.forEach((b, i) => {
    assert.equal(Object.keys(b).sort(), ['Count', 'End', 'Percent', 'Start'], `${what}: bucket fields`);
    total += b.Count as number;
    assert.ok((b.Percent as number) > percent, `${what}: Percent grows`);
    percent = b.Percent as number;
    if (i > 0) assert.ok(bounds.has((b.Start as number).toPrecision(9)), `${what}: bucket ${i} starts on Fortio's grid (${b.Start})`);
    if (i < data.length - 1) assert.ok(bounds.has((b.End as number).toPrecision(9)), `${what}: bucket ${i} ends on Fortio's grid (${b.End})`);
  });
  assert.is(total, h.Count);
  assert.ok(Math.abs(percent - 100) < 1e-9);
  assert.is(data[0]!.Start, h.Min, 'the first bucket starts at Min, as Fortio writes it');
  assert.is(data.at(-1)!.End, h.Max, 'the last bucket ends at Max');
}

test("the grid is Fortio's: the real fixture's bucket bounds all lie on it", () => {
  assertFortioHistogram(real.DurationHistogram as Json, real.Resolution as number, 'real DurationHistogram');
  assertFortioHistogram(real.ErrorsDurationHistogram as Json, real.Resolution as number, 'real ErrorsDurationHistogram');
});

const files = exportFortio(measuredRun);

test('one file per measured trial of a real meshbench run, with Fortio field names and JSON types', () => {
  assert.is(files.length, measuredRun.trials.filter(isMeasured).length);
  assert.ok(files.length >= 4);
  assert.equal(files.map((f) => f.path).sort(), ['fortio/istio-c2-r200-rep1.json', 'fortio/istio-c2-r200-rep2.json', 'fortio/none-c2-r200-rep1.json', 'fortio/none-c2-r200-rep2.json']);
  for (const file of files) {
    const doc = JSON.parse(file.content) as Json;
    for (const [key, value] of Object.entries(doc)) {
      assert.ok(key in real, `${file.path}: ${key} is a field Fortio writes`);
      assert.is(kind(value), kind(real[key]), `${file.path}: ${key} has Fortio's JSON type`);
    }
    const missing = Object.keys(real).filter((k) => !(k in doc));
    assert.equal(missing.filter((k) => !FORTIO_FIELDS_NOT_EXPORTED.includes(k)), [], 'every Fortio field is written or listed as not exported');
    assert.ok(FORTIO_FIELDS_WHEN_KNOWN.includes('Sizes') && 'Sizes' in doc, "meshbench's own workload: Sizes is known");
    assert.match(doc.URL as string, /^meshbench local workload \(loopback/, 'a local run has no fixed URL (its ports are ephemeral): said in words');
    assert.is(doc.Uniform, true, 'open loop: evenly spaced requests, as Fortio -uniform');
    assertFortioHistogram(doc.DurationHistogram as Json, DEFAULT_FORTIO_RESOLUTION_S, `${file.path} DurationHistogram`);
    assert.is(doc.RunType, 'HTTP');
    assert.is(doc.RequestedQPS, '200');
    assert.ok(Number.isInteger(doc.ActualDuration), 'nanoseconds, as Go writes a time.Duration');
  }
});

test("read back by meshbench's Fortio importer: counts exact, Percentiles exactly meshbench's", () => {
  const trials = measuredRun.trials.filter(isMeasured);
  for (const t of trials) {
    const file = files.find((f) => f.path === `fortio/${t.trial.mesh}-${t.trial.level.id}-rep${t.trial.repetition}.json`)!;
    const back = importFortio(file.content, file.path);
    const all = mergeHistograms([t.histograms.latencyUs, t.histograms.non2xxLatencyUs, t.histograms.errorLatencyUs].map(decodeHistogram));
    assert.is(back.latencyUs!.totalCount, all.totalCount);
    for (const p of [50, 75, 90, 99, 99.9]) assert.is(back.percentilesUs[`p${p}`], all.getValueAtPercentile(p), `${file.path} p${p}`);
    assert.is(back.responses2xx, t.load.responses2xx);
    assert.is(back.connections, t.trial.level.connections);
    assert.is(back.targetRps, t.load.targetRps);
    assert.is(back.durationMs, t.load.durationMs);
  }
});

test('non-2xx and failures go to ErrorsDurationHistogram; RetCodes file 2xx under 200 and failures under -1', () => {
  const run: RunResult = fakeRun(() => ({ latenciesUs: Array.from({ length: 500 }, (_, i) => 150 + i), achievedRps: 100 }));
  const t = run.trials.find(isMeasured)!;
  const non2xx = createLatencyHistogram();
  const failed = createLatencyHistogram();
  for (let i = 0; i < 20; i++) non2xx.recordValue(90 + i);
  for (let i = 0; i < 5; i++) failed.recordValue(10_000_000);
  t.histograms.non2xxLatencyUs = encodeHistogram(non2xx);
  t.histograms.errorLatencyUs = encodeHistogram(failed);
  Object.assign(t.load, { responsesNon2xx: 20, errors: 5, requests: 525 });
  const doc = JSON.parse(exportFortio(run).find((f) => f.path.startsWith(`fortio/${t.trial.mesh}-`) && f.path.endsWith('rep1.json'))!.content) as Json;
  const errors = doc.ErrorsDurationHistogram as Json;
  assert.is(errors.Count, 25);
  assert.is((doc.DurationHistogram as Json).Count, 525);
  assert.equal(doc.RetCodes, { 200: 500, '-1': 5 });
  assert.is((doc.Sizes as Json).Count, 525, "Istio's runner takes Sizes.Count as the calls made");
  assert.is((doc.Sizes as Json).Avg, run.scenario.workload.payloadBytes);
  // 10 s failures are past Fortio's last bound (100000 × 10 µs = 1 s): its overflow bucket, ending at Max.
  assert.is(((errors.Data as Json[]).at(-1)!).Start, 1);
  assert.ok(Math.abs(((errors.Data as Json[]).at(-1)!.End as number) - 10) < 0.02);
});

test('an empty histogram is written as Fortio writes one: Data null', () => {
  const doc = JSON.parse(files[0]!.content) as Json;
  assert.equal(doc.ErrorsDurationHistogram, { Count: 0, Min: 0, Max: 0, Sum: 0, Avg: 0, StdDev: 0, Data: null });
  assert.equal(doc.ErrorsDurationHistogram, (JSON.parse(readFileSync(fixture('interop/fortio-default-resolution.json'), 'utf8')) as Json).ErrorsDurationHistogram);
});

test.run();
