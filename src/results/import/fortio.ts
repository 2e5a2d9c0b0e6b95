/**
 * Fortio's JSON result (`fortio load -json FILE`, also what its web UI saves): an HTTP run with
 * its histogram of every call in seconds, as Fortio buckets ({Start, End, Percent, Count}), and
 * the percentiles Fortio printed. Buckets are turned into a µs HDR histogram by spreading each
 * bucket's calls evenly across it, which is what Fortio's own percentile interpolation assumes.
 */
import { HistogramBuilder } from './counts.ts';
import { Fields, isoTime, parseJsonObject, percentileKey } from './fields.ts';
import { ALWAYS_LACKS, type ImportedMeasurement } from './types.ts';

const FIX = 'pass the JSON file written by `fortio load -json FILE` (or saved from the Fortio UI) for an HTTP run, unedited';
const US_PER_S = 1_000_000;

export const FORTIO_LACKS: readonly string[] = [
  'coordinated-omission correction: Fortio measures each call from its actual send, so time a call waited behind a slow one is not counted',
  'a latency histogram per outcome: Fortio records 2xx, non-2xx and failed calls in one histogram',
  'error classes: Fortio counts a failed call as code -1 without saying timeout, refused or reset',
  "latency detail finer than Fortio's buckets (its -r resolution): calls inside a bucket are taken as evenly spread, as Fortio's own percentiles assume",
  ...ALWAYS_LACKS,
];

export function looksLikeFortio(text: string): boolean {
  return /"DurationHistogram"\s*:/.test(text) && /"RunType"\s*:/.test(text);
}

export function importFortio(text: string, file: string): ImportedMeasurement {
  const root = new Fields(file, '', parseJsonObject(text, file, 'fortio', FIX), FIX);
  const runType = root.string('RunType');
  if (runType !== 'HTTP') throw root.fail('RunType', `only HTTP runs can be imported, this is a ${JSON.stringify(runType)} run`);

  const hist = root.object('DurationHistogram');
  const count = hist.number('Count', { min: 0, integer: true });
  const builder = new HistogramBuilder();
  let bucketTotal = 0;
  let previousEnd = -Infinity;
  // Fortio writes "Data": null for a histogram without calls.
  for (const bucket of count === 0 && hist.value['Data'] === null ? [] : hist.array('Data')) {
    const start = bucket.number('Start', { min: 0 });
    const end = bucket.number('End', { min: 0 });
    const n = bucket.number('Count', { min: 0, integer: true });
    if (end < start) throw bucket.fail('End', `bucket ends (${end} s) before it starts (${start} s)`);
    if (start < previousEnd) throw bucket.fail('Start', `buckets must be in increasing order; this one starts at ${start} s, before the previous end ${previousEnd} s`);
    previousEnd = end;
    builder.spread(start * US_PER_S, end * US_PER_S, n);
    bucketTotal += n;
  }
  if (bucketTotal !== count) throw hist.fail('Count', `is ${count} but the buckets in Data hold ${bucketTotal} calls`);

  const percentilesUs: Record<string, number> = {};
  for (const p of hist.has('Percentiles') ? hist.array('Percentiles') : []) {
    percentilesUs[percentileKey(p.number('Percentile', { min: 0 }))] = Math.round(p.number('Value', { min: 0 }) * US_PER_S);
  }

  const codes = root.object('RetCodes');
  let responses2xx = 0;
  let responsesNon2xx = 0;
  let errors = 0;
  for (const key of Object.keys(codes.value)) {
    const code = Number(key);
    if (!Number.isInteger(code)) throw codes.fail(key, 'expected HTTP status codes (or -1 for a failed call) as keys');
    const n = codes.number(key, { min: 0, integer: true });
    if (code < 0) errors += n;
    else if (code >= 200 && code < 300) responses2xx += n;
    else responsesNon2xx += n;
  }

  // A string since Fortio 1.x ("max" or "200"); some older files have a number (0 meaning max).
  const requested = typeof root.value['RequestedQPS'] === 'number' ? root.number('RequestedQPS', { min: 0 }) : root.string('RequestedQPS');
  const targetRps = requested === 'max' || requested === '' || requested === 0 ? null : Number(requested);
  if (targetRps !== null && !(targetRps > 0)) throw root.fail('RequestedQPS', `expected "max" or a rate, found ${JSON.stringify(requested)}`);
  const durationMs = root.number('ActualDuration', { min: 0 }) / 1_000_000;

  return {
    format: 'fortio',
    tool: 'fortio',
    toolVersion: root.optionalString('Version'),
    file,
    startedAt: isoTime(root, 'StartTime'),
    durationMs,
    connections: root.number('NumThreads', { min: 1, integer: true }),
    targetRps,
    targetRpsRecorded: true,
    achievedRps: root.number('ActualQPS', { min: 0 }),
    requests: responses2xx + responsesNon2xx + errors,
    responses2xx,
    responsesNon2xx,
    errors,
    failedRequests: responsesNon2xx + errors,
    errorsByClass: null,
    latencyUs: builder.histogram,
    latencyScope: 'every call: 2xx, non-2xx and failed (Fortio keeps one histogram of all calls)',
    coordinatedOmissionCorrected: false,
    uncorrectedLatencyUs: null,
    percentilesUs,
    minUs: count > 0 ? Math.round(hist.number('Min', { min: 0 }) * US_PER_S) : null,
    meanUs: count > 0 ? hist.number('Avg', { min: 0 }) * US_PER_S : null,
    maxUs: count > 0 ? Math.round(hist.number('Max', { min: 0 }) * US_PER_S) : null,
    labels: root.optionalString('Labels') || null,
    lacks: [...FORTIO_LACKS],
    notes: builder.notes('calls'),
  };
}
