import { HistogramLogReader } from 'hdr-histogram-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { importHlog } from '../../../src/results/import/hlog.ts';
import { encodeHistogram, summarize } from '../../../src/results/histogram.ts';
import { renderHlogs } from '../../../src/report/hlog.ts';
import { fakeRun } from '../../fakes/results.ts';
import { assertWithinOneBucket, interop, readInterop } from './helpers.ts';

const text = readInterop('hdrhistogram-intervals.hlog');
const m = importHlog(text, interop('hdrhistogram-intervals.hlog'));

test('the merged log prints what its writer saw over all intervals', () => {
  const all = /^all: count (\d+) p50 (\d+) p90 (\d+) p99 (\d+) p99\.9 (\d+)/m.exec(readInterop('hdrhistogram-intervals.stdout'))!;
  const h = m.latencyUs!;
  assert.is(h.totalCount, Number(all[1]));
  [50, 90, 99, 99.9].forEach((p, i) => {
    const printed = Number(all[i + 2]);
    assertWithinOneBucket(h, h.getValueAtPercentile(p), printed, `p${p}`);
    assert.is(h.getValueAtPercentile(p), printed, 'same bucket structure: exact');
  });
});

test("the merge equals adding the intervals with hdr-histogram-js's own log reader", () => {
  const reader = new HistogramLogReader(text);
  let reference = reader.nextIntervalHistogram()!;
  for (let next = reader.nextIntervalHistogram(); next; next = reader.nextIntervalHistogram()) reference.add(next);
  assert.is(m.latencyUs!.totalCount, reference.totalCount);
  for (const p of [1, 10, 50, 75, 90, 99, 99.9, 100]) assert.is(m.latencyUs!.getValueAtPercentile(p), reference.getValueAtPercentile(p), `p${p}`);
});

test('start time, duration and what the log cannot say', () => {
  assert.is(m.startedAt, new Date((Number(/#\[StartTime: ([\d.]+)/.exec(text)![1]) + Number(/^([\d.]+),/m.exec(text)![1])) * 1000).toISOString());
  assert.ok(m.durationMs! > 2900 && m.durationMs! < 3200, `${m.durationMs} ms: three one-second intervals`);
  assert.is(m.requests, 600);
  assert.is(m.responses2xx, null);
  assert.is(m.coordinatedOmissionCorrected, null);
  assert.equal(m.percentilesUs, {});
  assert.match(m.lacks.join('\n'), /value unit/);
});

test('absolute interval timestamps (seconds since the epoch) are not added to StartTime again', () => {
  const startSec = Number(/#\[StartTime: ([\d.]+)/.exec(text)![1]);
  const absolute = text.replace(/^([\d.]+),/gm, (_, s: string) => `${(startSec + Number(s)).toFixed(3)},`);
  assert.is(importHlog(absolute, 'abs.hlog').startedAt, m.startedAt);
});

test('a value unit other than µs is converted, and a tag picks its intervals', () => {
  const ns = importHlog(text, 'x.hlog', { valueUnit: 'ns' });
  assertWithinOneBucket(ns.latencyUs!, ns.latencyUs!.getValueAtPercentile(50), m.latencyUs!.getValueAtPercentile(50) / 1000, 'ns read as µs / 1000');
  assert.match(ns.notes.join('\n'), /read as ns/);

  // meshbench's own .hlog tags one interval per trial.
  const run = fakeRun((_mesh, rep) => ({ latenciesUs: Array.from({ length: 200 }, (_, i) => 100 * rep + i), achievedRps: 100 }));
  const file = renderHlogs(run).find((f) => f.path.includes('istio'))!;
  const trial2 = importHlog(file.content, file.path, { tag: 'trial-5' });
  const source = run.trials.find((t) => t.trial.index === 4)!;
  assert.is(source.status, 'valid');
  if (source.status === 'valid') assert.is(encodeHistogram(trial2.latencyUs!), source.histograms.latencyUs);
  assert.equal(summarize(importHlog(file.content, file.path).latencyUs!).count, 600, 'all three istio trials merged');
});

test.run();
