import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { importWrk2 } from '../../../src/results/import/wrk2.ts';
import { assertWithinOneBucket, interop, readInterop, valueAtRankUs } from './helpers.ts';

interface Row { valueUs: number; percentile: number; total: number }

/** The "Detailed Percentile spectrum" rows of one section, read straight from wrk2's text. */
function spectrum(text: string, section: number): Row[] {
  const block = text.split('Detailed Percentile spectrum:')[section + 1]!.split('#[Mean')[0]!;
  return [...block.matchAll(/^\s*([\d.]+)\s+([\d.]+)\s+(\d+)\s+([\d.]+|inf)\s*$/gm)].map((m) => ({ valueUs: Math.round(Number(m[1]) * 1000), percentile: Number(m[2]), total: Number(m[3]) }));
}

for (const name of ['wrk2-latency.txt', 'wrk2-latency-uncorrected.txt']) {
  const text = readInterop(name);
  const m = importWrk2(text, interop(name));
  const h = m.latencyUs!;

  test(`${name}: every row of the corrected spectrum comes back exactly`, () => {
    const rows = spectrum(text, 0);
    assert.ok(rows.length > 50);
    assert.is(h.totalCount, rows.at(-1)!.total);
    // The calls counted up to a row are exactly the calls at or below its value.
    for (const row of rows) assert.is(valueAtRankUs(h, row.total), row.valueUs, `row ${row.percentile}`);
  });

  test(`${name}: the percentiles wrk2 printed come back within one HDR bucket`, () => {
    const block = text.split('Detailed Percentile spectrum:')[0]!.split('Recorded Latency)')[1]!;
    const printed = [...block.matchAll(/^\s*([\d.]+)%\s+([\d.]+)(us|ms|s)\s*$/gm)];
    assert.ok(printed.length >= 7);
    for (const [, percentile, value, unit] of printed) {
      const unitUs = { us: 1, ms: 1000, s: 1_000_000 }[unit as 'us' | 'ms' | 's'];
      const printedUs = Number(value) * unitUs;
      assert.is(m.percentilesUs[`p${Number(percentile)}`], Math.round(printedUs), 'kept as printed');
      // wrk2 ranks a percentile as round(p × N) (its hdr_value_at_percentile), HdrHistogram JS as
      // ceil(p × N): compare at wrk2's rank. Values print with two decimals of their unit.
      const rank = Math.max(1, Math.floor((Number(percentile) / 100) * h.totalCount + 0.5));
      assertWithinOneBucket(h, valueAtRankUs(h, rank), printedUs, `p${percentile}`, 0.01 * unitUs);
    }
  });

  test(`${name}: counts and rate are wrk2's own`, () => {
    const summary = /(\d+) requests in ([\d.]+)s/.exec(text)!;
    assert.is(m.requests, Number(summary[1]));
    assert.is(m.durationMs, Number(summary[2]) * 1000);
    assert.is(m.achievedRps, Number(/Requests\/sec:\s+([\d.]+)/.exec(text)![1]));
    assert.is(m.connections, 8);
    assert.is(m.coordinatedOmissionCorrected, true);
    assert.is(m.targetRps, null, 'wrk2 does not print -R; nothing is made up');
    assert.match(m.lacks.join('\n'), /target rate/);
  });
}

test('socket errors are reported as wrk2 counts them, never turned into failed requests', () => {
  const text = readInterop('wrk2-latency.txt').replace(/^(\s*Non-2xx or 3xx responses: 46)$/m, '  Socket errors: connect 0, read 2, write 0, timeout 7\n$1');
  const m = importWrk2(text, 'wrk2-errors.txt');
  assert.is(m.errors, 9);
  assert.equal(m.errorsByClass, { timeout: 7, refused: 0, reset: 0, other: 2 });
  assert.is(m.requests, 2996, "wrk2's completed responses");
  assert.is(m.failedRequests, null);
  assert.match(m.notes.join('\n'), /events, not of failed requests/);
});

test('wrk2-latency.txt: non-2xx responses are counted apart', () => {
  const m = importWrk2(readInterop('wrk2-latency.txt'), 'wrk2-latency.txt');
  assert.is(m.responsesNon2xx, 46);
  assert.is(m.responses2xx, 2996 - 46);
  assert.is(m.failedRequests, 46);
  assert.is(m.uncorrectedLatencyUs, null);
  assert.match(m.lacks.join('\n'), /uncorrected latency/);
});

test('wrk2-latency-uncorrected.txt: -U gives the uncorrected histogram beside the corrected one', () => {
  const text = readInterop('wrk2-latency-uncorrected.txt');
  const m = importWrk2(text, 'wrk2-latency-uncorrected.txt');
  const u = m.uncorrectedLatencyUs!;
  for (const row of spectrum(text, 1)) assert.is(valueAtRankUs(u, row.total), row.valueUs, `uncorrected row ${row.percentile}`);
  // Measured from the actual send, it can only be lower: the correction adds the wait.
  assert.ok(u.getValueAtPercentile(99) < m.latencyUs!.getValueAtPercentile(99));
});

test.run();
