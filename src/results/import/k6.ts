/**
 * k6's `--summary-export FILE` JSON: end-of-test statistics per metric, no histogram. Latency is
 * `http_req_duration` in ms (floats), as the statistics named by --summary-trend-stats (default
 * avg, min, med, max, p(90), p(95)). Only those figures exist: no other percentile can be
 * computed, intervals cannot be merged, and the distribution cannot be drawn or resampled.
 */
import { Fields, parseJsonObject, percentileKey } from './fields.ts';
import { ALWAYS_LACKS, type ImportedMeasurement } from './types.ts';

const FIX = 'pass the JSON file written by `k6 run --summary-export FILE script.js`, unedited (not the --out json stream)';
const US_PER_MS = 1000;
/** The latency of responses with an expected status (200-399 unless the script says otherwise). */
const EXPECTED = 'http_req_duration{expected_response:true}';

export const K6_LACKS: readonly string[] = [
  'a latency histogram: k6 exports only the statistics chosen by --summary-trend-stats, so no other percentile, no exact merge, no distribution to draw or resample',
  'non-2xx responses apart from errors: http_req_failed counts both as failed requests',
  'error classes: the summary has no timeout, refused or reset counts',
  'coordinated-omission correction: k6 measures each request from its actual send',
  'connections: k6 counts virtual users, not connections',
  'the target rate, the start time and the k6 version: the summary export does not record them',
  ...ALWAYS_LACKS,
];

export function looksLikeK6(text: string): boolean {
  return /"metrics"\s*:/.test(text) && /"http_req(s|_duration)[^"]*"\s*:/.test(text);
}

export function importK6(text: string, file: string): ImportedMeasurement {
  const root = new Fields(file, '', parseJsonObject(text, file, 'k6', FIX), FIX);
  const metrics = root.object('metrics');
  if (!metrics.has('http_req_duration')) throw metrics.fail('http_req_duration', 'missing: this summary has no HTTP requests (a k6 run of a non-HTTP script cannot be imported)');
  const latencyName = metrics.has(EXPECTED) ? EXPECTED : 'http_req_duration';
  const latency = metrics.object(latencyName);
  if (latency.has('values')) throw latency.fail('values', 'this is the newer handleSummary() data shape, not --summary-export; write it with --summary-export FILE');

  const percentilesUs: Record<string, number> = {};
  for (const key of Object.keys(latency.value)) {
    const m = /^p\(([\d.]+)\)$/.exec(key);
    const percentile = key === 'med' ? 50 : m ? Number(m[1]) : null;
    if (percentile !== null) percentilesUs[percentileKey(percentile)] = Math.round(latency.number(key, { min: 0 }) * US_PER_MS);
  }
  if (Object.keys(percentilesUs).length === 0) throw latency.fail('med', 'no percentile at all (med or p(N)): export with the default --summary-trend-stats or name the percentiles');

  const reqs = metrics.object('http_reqs');
  const requests = reqs.number('count', { min: 0, integer: true });
  const failed = metrics.has('http_req_failed') ? metrics.object('http_req_failed') : null;
  // In --summary-export a Rate metric's "passes" counts true samples: for http_req_failed, failures.
  const failedRequests = failed === null ? null : failed.number('passes', { min: 0, integer: true });
  const vus = metrics.has('vus_max') ? metrics.object('vus_max').optionalNumber('max') : null;
  const dropped = metrics.has('dropped_iterations') ? metrics.object('dropped_iterations').number('count', { min: 0 }) : 0;
  const state = root.optionalObject('state');

  return {
    format: 'k6',
    tool: 'k6',
    toolVersion: null,
    file,
    startedAt: null,
    durationMs: state?.optionalNumber('testRunDurationMs', { min: 0 }) ?? null,
    connections: null,
    targetRps: null,
    targetRpsRecorded: false,
    achievedRps: reqs.number('rate', { min: 0 }),
    requests,
    responses2xx: null,
    responsesNon2xx: null,
    errors: null,
    failedRequests,
    errorsByClass: null,
    latencyUs: null,
    okLatencyUs: null,
    clampedLatencies: null,
    latencyScope: latencyName === EXPECTED
      ? 'responses with an expected status (http_req_duration{expected_response:true}: 200-399 unless the script sets otherwise)'
      : 'every request, failed ones included (http_req_duration)',
    coordinatedOmissionCorrected: false,
    uncorrectedLatencyUs: null,
    percentilesUs,
    minUs: latency.has('min') ? Math.round(latency.number('min', { min: 0 }) * US_PER_MS) : null,
    meanUs: latency.has('avg') ? latency.number('avg', { min: 0 }) * US_PER_MS : null,
    maxUs: latency.has('max') ? Math.round(latency.number('max', { min: 0 }) * US_PER_MS) : null,
    labels: null,
    lacks: [
      ...K6_LACKS,
      ...(percentilesUs['p99'] === undefined ? ['P99: the run did not ask for p(99) in --summary-trend-stats, so no P99 gate can use it'] : []),
      ...(state === null ? ['the run duration: this summary export has no "state.testRunDurationMs" (k6 1.x leaves it out)'] : []),
    ],
    notes: [
      ...(vus === null ? [] : [`${vus} virtual users at most`]),
      ...(dropped > 0 ? [`k6 dropped ${dropped} iterations: the load generator could not keep the requested rate`] : []),
    ],
  };
}
