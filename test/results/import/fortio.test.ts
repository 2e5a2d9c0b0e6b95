import type { JsHistogram } from 'hdr-histogram-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { summarize, type Histogram } from '../../../src/results/histogram.ts';
import { importFortio } from '../../../src/results/import/fortio.ts';
import { importText } from '../../../src/results/import/index.ts';
import { groupByLevel } from '../../../src/results/import/levels.ts';
import { importedRunResult } from '../../../src/results/import/to-result.ts';
import { assertWithinOneBucket, interop, readInterop } from './helpers.ts';

for (const name of ['fortio-load.json', 'fortio-default-resolution.json']) {
  const raw = JSON.parse(readInterop(name));
  const m = importFortio(readInterop(name), interop(name));

  test(`${name}: every percentile Fortio printed comes back within one HDR bucket`, () => {
    const printed = raw.DurationHistogram.Percentiles as { Percentile: number; Value: number }[];
    assert.ok(printed.length >= 4, 'the fixture carries the percentiles Fortio printed');
    for (const { Percentile, Value } of printed) {
      const printedUs = Value * 1e6;
      assert.is(m.percentilesUs[`p${Percentile}`], Math.round(printedUs), 'kept as printed');
      assertWithinOneBucket(m.latencyUs!, m.latencyUs!.getValueAtPercentile(Percentile), printedUs, `p${Percentile}`);
    }
  });

  test(`${name}: counts, rate and duration are Fortio's own`, () => {
    assert.is(m.latencyUs!.totalCount, raw.DurationHistogram.Count);
    const codes = raw.RetCodes as Record<string, number>;
    assert.is(m.requests, Object.values(codes).reduce((a, b) => a + b, 0));
    assert.is(m.responses2xx, codes['200']);
    assert.is(m.responsesNon2xx, codes['503'] ?? 0);
    assert.is(m.errors, 0);
    assert.is(m.achievedRps, raw.ActualQPS);
    assert.is(m.targetRps, Number(raw.RequestedQPS));
    assert.is(m.connections, raw.NumThreads);
    assert.is(m.durationMs, raw.ActualDuration / 1e6);
    assert.is(m.toolVersion, '1.66.0');
    assert.is(m.startedAt, new Date(raw.StartTime).toISOString());
    assert.is(m.coordinatedOmissionCorrected, false);
    assert.is(m.minUs, Math.round(raw.DurationHistogram.Min * 1e6));
    assert.is(m.maxUs, Math.round(raw.DurationHistogram.Max * 1e6));
  });
}

test('the 503s of fortio-load.json are counted apart from 2xx, and what Fortio lacks is said', () => {
  const m = importText(readInterop('fortio-load.json'), 'fortio-load.json');
  assert.is(m.format, 'fortio');
  assert.is(m.responsesNon2xx, 17);
  assert.is(m.failedRequests, 17);
  assert.is(m.errorsByClass, null, 'Fortio does not classify errors; nothing is made up');
  assert.match(m.lacks.join('\n'), /coordinated-omission/);
  assert.match(m.lacks.join('\n'), /per-repetition spread/);
  assert.match(m.latencyScope, /non-2xx/);
});

test('the 2xx-only latency is every call minus the failed ones, bucket by bucket', () => {
  const raw = JSON.parse(readInterop('fortio-load.json'));
  const m = importFortio(JSON.stringify(raw), 'fortio-load.json');
  const ok = m.okLatencyUs!;
  assert.is(ok.totalCount, raw.RetCodes['200'], 'the 983 calls answered 200');
  // Per Fortio bucket, the OK calls are exactly the bucket's calls less its failed calls.
  const errorsByEnd = new Map((raw.ErrorsDurationHistogram.Data as { End: number; Count: number }[]).map((b) => [b.End.toPrecision(6), b.Count]));
  const data = raw.DurationHistogram.Data as { Start: number; End: number; Count: number }[];
  data.slice(0, -1).forEach((b, i) => {
    const lo = i === 0 ? 0 : b.Start * 1e6;
    assert.is(countBetween(ok, lo, b.End * 1e6), b.Count - (errorsByEnd.get(b.End.toPrecision(6)) ?? 0), `bucket ending ${b.End}`);
  });
  assert.match(m.lacks.join('\n'), /2xx-only latency is their difference/);
  const clean = importFortio(readInterop('fortio-default-resolution.json'), 'x.json');
  assert.equal(summarize(clean.okLatencyUs!), summarize(clean.latencyUs!), 'no failed calls: the same histogram');
});

/** Values recorded in (loUs, hiUs], by the lowest value of their HDR bucket (Fortio's bounds fall on HDR bucket edges here). */
function countBetween(h: Histogram, loUs: number, hiUs: number): number {
  let n = 0;
  const js = h as JsHistogram;
  const values = js.recordedValuesIterator;
  values.reset();
  while (values.hasNext()) {
    const v = values.next();
    const low = js.lowestEquivalentValue(v.valueIteratedTo);
    if (low > loUs && low <= hiUs) n += v.countAtValueIteratedTo;
  }
  return n;
}

test("a Fortio bucket's calls are spread across it, not piled on one end", () => {
  const raw = JSON.parse(readInterop('fortio-default-resolution.json'));
  const first = raw.DurationHistogram.Data[0] as { Start: number; End: number; Count: number };
  const m = importFortio(JSON.stringify(raw), 'x.json');
  // With 1 ms buckets most loopback calls share the first one; the rebuilt P10 must sit inside it.
  const p10 = m.latencyUs!.getValueAtPercentile(10);
  assert.ok(p10 > first.Start * 1e6 && p10 < first.End * 1e6, `P10 ${p10} µs inside the first bucket ${first.Start * 1e6}-${first.End * 1e6} µs`);
});

test('RequestedQPS "max" is an unthrottled run (no target); code -1 counts failed calls', () => {
  const raw = JSON.parse(readInterop('fortio-load.json'));
  raw.RequestedQPS = 'max';
  raw.RetCodes = { 200: 980, 503: 17, '-1': 3 };
  const m = importFortio(JSON.stringify(raw), 'max.json');
  assert.is(m.targetRps, null);
  assert.is(m.errors, 3);
  assert.is(m.responsesNon2xx, 17);
  assert.is(m.requests, 1000);
  assert.is(m.failedRequests, 20);
});

test('a run without calls (Data null, as Fortio writes it) and a numeric RequestedQPS of older files', () => {
  const raw = JSON.parse(readInterop('fortio-default-resolution.json'));
  raw.DurationHistogram = raw.ErrorsDurationHistogram;
  raw.RetCodes = {};
  raw.RequestedQPS = 1000;
  const m = importFortio(JSON.stringify(raw), 'empty.json');
  assert.is(m.latencyUs!.totalCount, 0);
  assert.is(m.requests, 0);
  assert.is(m.minUs, null);
  assert.is(m.targetRps, 1000);
});

test.run();

test('a gRPC ping run (Fortio against its own ping server): SERVING is the 2xx, connections are threads over streams, the protocol is grpc', () => {
  const raw = JSON.parse(readInterop('fortio-grpc-ping.json'));
  const m = importFortio(readInterop('fortio-grpc-ping.json'), interop('fortio-grpc-ping.json'));
  assert.is(m.protocol, 'grpc');
  assert.is(m.responses2xx, raw.RetCodes.SERVING);
  assert.is(m.requests, 400);
  assert.equal([m.errors, m.responsesNon2xx], [0, 0]);
  assert.is(m.connections, 2, '-c 2 -s 2: NumThreads 4, Streams 2');
  assert.is(m.latencyUs!.totalCount, raw.DurationHistogram.Count);
  for (const { Percentile, Value } of raw.DurationHistogram.Percentiles as { Percentile: number; Value: number }[]) {
    const importedUs = m.latencyUs!.getValueAtPercentile(Percentile);
    // Of 400 calls, P99.9 lies between the last two, where Fortio interpolates inside its own
    // bucket (its default 1 ms: a gRPC file does not record its resolution); below, one HDR bucket.
    if (Percentile < 99.9) assertWithinOneBucket(m.latencyUs!, importedUs, Value * 1e6, `p${Percentile}`);
    else assert.ok(Math.abs(importedUs - Value * 1e6) <= 1_000, `p${Percentile}: imported ${importedUs} µs, printed ${Value * 1e6} µs`);
  }
  assert.match(m.notes.join(' '), /GRPC Ping, 2 stream\(s\) per connection/);
  assert.ok(m.lacks.some((l) => /count every failed call as ERROR/.test(l)));
});

test('a gRPC run with failed calls (against meshbench\'s workload at 10 % errors): ERROR counts as errors; no 2xx-only latency without the file\'s resolution', () => {
  const raw = JSON.parse(readInterop('fortio-grpc-errors.json'));
  const m = importFortio(readInterop('fortio-grpc-errors.json'), interop('fortio-grpc-errors.json'));
  assert.equal([m.responses2xx, m.errors, m.responsesNon2xx], [raw.RetCodes.SERVING, raw.RetCodes.ERROR, 0]);
  assert.is(m.failedRequests, 20);
  // Fortio's gRPC files record no Resolution or Offset: the 2xx-only latency cannot be split out, and the import says so.
  assert.is(m.okLatencyUs, null);
  assert.match(m.notes.join(' '), /no 2xx-only latency/);
  assert.is(m.latencyUs!.totalCount, 200);
});

test('bench import of a gRPC file: the result says grpc in its environment and trial; an HTTP one says nothing (http1, as older files)', () => {
  const run = (name: string) => importedRunResult(groupByLevel([importText(readInterop(name), interop(name))], null), { mesh: 'istio', meshbenchVersion: 'test' });
  const grpc = run('fortio-grpc-ping.json');
  assert.is(grpc.environment.protocol, 'grpc');
  assert.equal(grpc.trials.map((t) => t.trial.protocol), ['grpc']);
  assert.equal(grpc.trials.map((t) => t.status), ['valid']);
  const http = run('fortio-load.json');
  assert.not.ok('protocol' in http.environment);
  assert.not.ok('protocol' in http.trials[0]!.trial);
  const t = http.trials[0]!;
  assert.ok(t.status === 'valid' || t.status === 'invalid');
  assert.is(http.scenario.load.durationMs, Math.round(t.load.durationMs), 'the scenario holds the file\'s own window, not the 10 s default');
  assert.is(http.scenario.load.warmupMs, 0, 'nothing of the file was set aside as warmup; the default would claim it was');
});
