/** Malformed and unknown inputs: a UsageError (exit 2) that names the file, the field or line, and a fix. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UsageError } from '../../../src/errors.ts';
import { importFile, importText } from '../../../src/results/import/index.ts';
import type { ImportOptions } from '../../../src/results/import/types.ts';
import { readInterop } from './helpers.ts';

function failure(text: string, file: string, options: ImportOptions = {}): UsageError {
  try {
    importText(text, file, options);
  } catch (e) {
    assert.instance(e, UsageError);
    const error = e as UsageError;
    assert.is(error.exitCode, 2);
    assert.ok(error.fix && error.fix.length > 10, 'says how to fix it');
    return error;
  }
  throw new Error('expected the import to fail');
}

const fortio = () => JSON.parse(readInterop('fortio-load.json'));
const wrk2 = readInterop('wrk2-latency.txt');
const hlog = readInterop('hdrhistogram-intervals.hlog');

test('Fortio: a wrong type names the field path', () => {
  const raw = fortio();
  raw.DurationHistogram.Data[3].Count = 'eleven';
  const e = failure(JSON.stringify(raw), 'run.json');
  assert.is(e.where, 'run.json: field DurationHistogram.Data[3].Count');
  assert.match(e.what, /expected a number, found the string "eleven"/);
});

test('Fortio: buckets that do not add up to Count, and a run neither HTTP nor gRPC', () => {
  const raw = fortio();
  raw.DurationHistogram.Count += 5;
  assert.match(failure(JSON.stringify(raw), 'run.json').what, /buckets in Data hold 1000 calls/);
  const tcp = { ...fortio(), RunType: 'TCP' };
  assert.is(failure(JSON.stringify(tcp), 'run.json').where, 'run.json: field RunType');
});

test('Fortio: cut-off JSON says it is not JSON', () => {
  const e = failure(readInterop('fortio-load.json').slice(0, 500), 'cut.json', { format: 'fortio' });
  assert.is(e.where, 'cut.json');
  assert.match(e.what, /not valid JSON/);
});

test('wrk2: plain wrk output (no spectrum), a cut spectrum, and a missing summary', () => {
  const plain = wrk2.replace(/\n\s*Detailed Percentile spectrum:[\s\S]*?-{20,}\n/, '\n');
  assert.match(failure(plain, 'wrk.txt', { format: 'wrk2' }).what, /Detailed Percentile spectrum/);
  const cut = wrk2.split('#[Mean')[0]!;
  assert.match(failure(cut, 'wrk.txt', { format: 'wrk2' }).what, /cut short/);
  const noSummary = wrk2.replace(/^\s*\d+ requests in .*$/m, '');
  assert.match(failure(noSummary, 'wrk.txt').what, /requests in/);
});

test('wrk2: an edited spectrum row is found by line', () => {
  const lines = wrk2.split('\n');
  const row = lines.findIndex((l) => /^\s+1\.028\s+0\.500000/.test(l));
  lines[row] = lines[row]!.replace(/1497/, '1');
  const e = failure(lines.join('\n'), 'wrk.txt');
  assert.is(e.where, `wrk.txt: line ${row + 1}`);
  assert.match(e.what, /TotalCount goes down/);
});

test('.hlog: a damaged histogram and a short line are found by line; a missing tag lists the tags', () => {
  const lines = hlog.split('\n');
  const first = lines.findIndex((l) => /^[\d.]+,/.test(l));
  const damaged = [...lines];
  damaged[first] = damaged[first]!.replace(/,HIST(.{20})/, ',HIST$1!!!');
  const e = failure(damaged.join('\n'), 'x.hlog');
  assert.is(e.where, `x.hlog: line ${first + 1}`);
  assert.match(e.what, /does not decode/);
  const short = [...lines];
  short[first] = '0.001,0.997,HISTFAA';
  assert.match(failure(short.join('\n'), 'x.hlog', { format: 'hlog' }).what, /expected 4 comma-separated fields/);
  assert.match(failure(hlog, 'x.hlog', { hlogTag: 'trial-1' }).what, /no interval tagged "trial-1" \(tags present: none\)/);
});

test('k6: the handleSummary() shape and a summary without HTTP are refused with the reason', () => {
  const handleSummary = { metrics: { http_req_duration: { type: 'trend', contains: 'time', values: { avg: 1, med: 1, 'p(95)': 2 } }, http_reqs: { type: 'counter', values: { count: 1, rate: 1 } } } };
  assert.match(failure(JSON.stringify(handleSummary), 'k6.json').what, /handleSummary/);
  const noHttp = { metrics: { iterations: { count: 5, rate: 1 } } };
  const e = failure(JSON.stringify(noHttp), 'k6.json', { format: 'k6' });
  assert.is(e.where, 'k6.json: field metrics.http_req_duration');
});

test('an unknown file says which formats meshbench reads', () => {
  const e = failure('time,latency\n1,2\n', 'results.csv');
  assert.is(e.where, 'results.csv');
  assert.match(e.fix!, /fortio, hlog, wrk2, k6/);
});

test('a missing file is a usage error naming it', async () => {
  try {
    await importFile('/nonexistent/run.json');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, UsageError);
    assert.is((e as UsageError).where, '/nonexistent/run.json');
    assert.match((e as UsageError).what, /ENOENT/);
  }
});

test.run();
