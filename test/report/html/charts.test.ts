/** The report's charts: log latency axis fitted to the data, legends that list only what was drawn. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { logLatencyAxis, linearAxis } from '../../../src/report/html/axes.ts';
import { barChart, percentileChart, repetitionChart } from '../../../src/report/html/charts.ts';

const legend = (svg: string) => [...svg.matchAll(/<span class="key">.*?<\/span>([^<]+)<\/span>/g)].map((m) => m[1]);
const yLabels = (svg: string) => [...svg.matchAll(/text-anchor="end">([^<]+)</g)].map((m) => m[1]);

test('a sub-millisecond P50 and a 40 ms tail both get their own place on the latency axis', () => {
  const axis = logLatencyAxis([310, 40_000]);
  assert.ok(axis.at(310) > 0.05, `310 µs at ${axis.at(310)}`);
  assert.ok(axis.at(1_000) - axis.at(310) > 0.15, 'P50 and 1 ms are drawn apart');
  assert.ok(axis.at(40_000) <= 1 && axis.at(40_000) > 0.85);
  assert.equal(axis.ticks.map((t) => t.label), ['200 µs', '500 µs', '1.00 ms', '2.00 ms', '5.00 ms', '10.0 ms', '20.0 ms', '50.0 ms']);
  assert.equal(logLatencyAxis([40, 900_000]).ticks.map((t) => t.label), ['20 µs', '100 µs', '1.00 ms', '10.0 ms', '100.0 ms', '1000.0 ms']);
});

test('an end tick within half a decade of a decade tick is left out, not overprinted', () => {
  assert.equal(logLatencyAxis([60, 45_000]).ticks.map((t) => t.label), ['100 µs', '1.00 ms', '10.0 ms', '50.0 ms']);
});

test('a narrow range keeps its 1-2-5 ticks', () => {
  assert.equal(logLatencyAxis([420, 1_900]).ticks.map((t) => t.label), ['200 µs', '500 µs', '1.00 ms', '2.00 ms']);
});

test('a linear axis steps by round values', () => {
  assert.equal(linearAxis([0.18, 0.3], (v) => v.toFixed(2)).ticks.map((t) => t.label), ['0.00', '0.10', '0.20', '0.30']);
  assert.equal(linearAxis([120], (v) => v.toFixed(0)).ticks.map((t) => t.label), ['0', '50', '100', '150']);
});

test('the percentile chart draws sub-millisecond latencies apart, not on zero', () => {
  const svg = percentileChart('t', [{ name: 'none', points: [[0, 300], [50, 320], [99, 900]] }, { name: 'istio', points: [[0, 500], [50, 560], [99, 1_400]] }], 99);
  assert.ok(!yLabels(svg).includes('0.00'), yLabels(svg).join(','));
  assert.equal(legend(svg), ['none', 'istio']);
});

test('a bar chart lists no role without data, and draws none', () => {
  const svg = barChart('t', ['app', 'sidecar', 'node-proxy'], [{ name: 'none', values: [0.1, null, null] }, { name: 'istio', values: [0.1, 0.2, null] }], 'cores', (v) => v.toFixed(2));
  assert.equal(legend(svg), ['app', 'sidecar']);
  assert.is((svg.match(/<rect /g) ?? []).length, 3);
});

test('a mesh with no valid repetition is neither drawn nor in the legend of the repetition chart', () => {
  const svg = repetitionChart('t', 3, [{ name: 'none', p50Us: [400, 410, 405], p99Us: [900, 950, 2_000] }, { name: 'istio', p50Us: [null, null, null], p99Us: [null, null, null] }]);
  assert.equal(legend(svg), ['none', 'P50', 'P99']);
  assert.is((svg.match(/class="series"/g) ?? []).length, 2);
});

test.run();
