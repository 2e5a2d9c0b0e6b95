import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { importK6 } from '../../../src/results/import/k6.ts';
import { importText } from '../../../src/results/import/index.ts';
import { interop, readInterop } from './helpers.ts';

const EXPECTED = 'http_req_duration{expected_response:true}';
const UNIT_US: Record<string, number> = { 'µs': 1, ms: 1000, s: 1_000_000 };

/** What k6 printed on its "{ expected_response:true }" line, e.g. p(95)=3.09ms, in µs. */
function printed(stdout: string): Record<string, number> {
  const line = stdout.split('\n').find((l) => l.includes('{ expected_response:true }'))!;
  return Object.fromEntries([...line.matchAll(/(med|p\([\d.]+\))=([\d.]+)(µs|ms|s)/g)].map((m) => [m[1]!, Number(m[2]) * UNIT_US[m[3]!]!]));
}

for (const [name, stdoutName] of [['k6-summary.json', 'k6-summary.stdout'], ['k6-summary-p99.json', 'k6-summary-p99.stdout']] as const) {
  const raw = JSON.parse(readInterop(name));
  const m = importK6(readInterop(name), interop(name));

  test(`${name}: the percentiles k6 exported are kept exactly, and match what it printed`, () => {
    const exported = raw.metrics[EXPECTED] as Record<string, number>;
    const shown = printed(readInterop(stdoutName));
    assert.ok(Object.keys(shown).length >= 3);
    for (const [stat, printedUs] of Object.entries(shown)) {
      const key = stat === 'med' ? 'p50' : `p${stat.slice(2, -1)}`;
      assert.is(m.percentilesUs[key], Math.round(exported[stat]! * 1000), `${key} as exported`);
      // k6 prints two decimals of its unit, cut rather than rounded (3.0991 ms shows as 3.09ms);
      // the export carries full precision.
      const stepUs = printedUs >= 1000 ? 10 : 0.01;
      assert.ok(Math.abs(m.percentilesUs[key]! - printedUs) <= stepUs + 0.5, `${key}: ${m.percentilesUs[key]} vs printed ${printedUs}`);
    }
    assert.is(m.latencyUs, null, 'k6 exports no histogram; none is made up');
    assert.match(m.latencyScope, /expected_response/);
  });

  test(`${name}: requests, failures and rate are k6's own`, () => {
    assert.is(m.requests, raw.metrics.http_reqs.count);
    assert.is(m.achievedRps, raw.metrics.http_reqs.rate);
    assert.is(m.failedRequests, raw.metrics.http_req_failed.passes, '"passes" of http_req_failed are the failed requests');
    assert.ok(m.failedRequests! > 0 && m.failedRequests! < m.requests! * 0.1, 'about 2 % answered 503');
    assert.is(m.responsesNon2xx, null, 'k6 does not split non-2xx from errors');
    assert.is(m.connections, null);
    assert.is(m.minUs, Math.round(raw.metrics[EXPECTED].min * 1000));
    assert.match(m.notes.join('\n'), /virtual users at most/);
  });
}

test('what a k6 summary rules out is said: no histogram, and no P99 unless asked for', () => {
  const plain = importText(readInterop('k6-summary.json'), 'k6-summary.json');
  const withP99 = importText(readInterop('k6-summary-p99.json'), 'k6-summary-p99.json');
  assert.is(plain.format, 'k6');
  assert.match(plain.lacks.join('\n'), /latency histogram/);
  assert.match(plain.lacks.join('\n'), /P99: the run did not ask for p\(99\)/);
  assert.not.match(withP99.lacks.join('\n'), /P99: the run did not ask/);
  assert.is(withP99.percentilesUs['p99'], Math.round(JSON.parse(readInterop('k6-summary-p99.json')).metrics[EXPECTED]['p(99)'] * 1000));
  assert.match(plain.notes.join('\n'), /dropped \d+ iterations/);
});

test.run();
