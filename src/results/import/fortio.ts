/**
 * Fortio's JSON result (`fortio load -json FILE`, also what its web UI saves): an HTTP run with
 * its histogram of every call in seconds, as Fortio buckets ({Start, End, Percent, Count}), and
 * the percentiles Fortio printed. Buckets are turned into a µs HDR histogram by spreading each
 * bucket's calls evenly across it, which is what Fortio's own percentile interpolation assumes.
 */
import { okCallsFromFortio, readFortioBuckets, spreadFortioBuckets } from './fortio-buckets.ts';
import { Fields, isoTime, parseJsonObject, percentileKey } from './fields.ts';
import { ALWAYS_LACKS, type ImportedMeasurement } from './types.ts';

const FIX = 'pass the JSON file written by `fortio load -json FILE` (or saved from the Fortio UI) for an HTTP or gRPC run, unedited';
const US_PER_S = 1_000_000;

export const FORTIO_LACKS: readonly string[] = [
  'coordinated-omission correction: Fortio measures each call from its actual send, so time a call waited behind a slow one is not counted',
  'a latency histogram per outcome: Fortio keeps every call and the failed ones (non-2xx and errors together); the 2xx-only latency is their difference, bucket by bucket',
  'error classes: Fortio counts a failed call as code -1 without saying timeout, refused or reset',
  "latency detail finer than Fortio's buckets (its -r resolution): calls inside a bucket are taken as evenly spread, as Fortio's own percentiles assume",
  ...ALWAYS_LACKS,
];

/** gRPC runs (`fortio load -grpc [-ping]`): their return codes are status words, not HTTP codes. */
export const FORTIO_GRPC_LACKS: readonly string[] = [
  "error classes and status codes: Fortio's gRPC runs count every failed call as ERROR, whether the server answered with a status (recorded here as non-2xx would be) or the call never got one; all are taken as errors",
  'the message sizes Fortio sent; its streams per connection (-s) are in the notes',
];

/** A gRPC run's code: SERVING is Fortio's word for an answered ping or a healthy check; ERROR, a failed call. */
function grpcOutcome(code: string): 'ok' | 'non2xx' | 'error' {
  if (code === 'SERVING') return 'ok';
  if (code === 'ERROR') return 'error';
  // Health check answers other than SERVING (NOT_SERVING, SERVICE_UNKNOWN, UNKNOWN): an answer, not a success.
  return 'non2xx';
}

/** A gRPC run has a thread per stream: -c 2 -s 2 records NumThreads 4 and Streams 2, over 2 connections. */
function grpcConnections(root: Fields): number {
  const threads = root.number('NumThreads', { min: 1, integer: true });
  const streams = root.optionalNumber('Streams', { min: 1 }) ?? 1;
  return threads % streams === 0 ? threads / streams : threads;
}

export function looksLikeFortio(text: string): boolean {
  return /"DurationHistogram"\s*:/.test(text) && /"RunType"\s*:/.test(text);
}

export function importFortio(text: string, file: string): ImportedMeasurement {
  const root = new Fields(file, '', parseJsonObject(text, file, 'fortio', FIX), FIX);
  const runType = root.string('RunType');
  const grpc = runType.startsWith('GRPC');
  if (runType !== 'HTTP' && !grpc) throw root.fail('RunType', `only HTTP and gRPC runs can be imported, this is a ${JSON.stringify(runType)} run`);

  const hist = root.object('DurationHistogram');
  const all = readFortioBuckets(hist);
  const count = all.count;
  const builder = spreadFortioBuckets(all);
  // Older files have no ErrorsDurationHistogram, or no Offset/Resolution to place buckets on the grid.
  const errorsHist = root.optionalObject('ErrorsDurationHistogram');
  const resolutionS = root.optionalNumber('Resolution', { min: Number.MIN_VALUE });
  const ok = errorsHist && resolutionS !== null ? okCallsFromFortio(all, readFortioBuckets(errorsHist), root.optionalNumber('Offset') ?? 0, resolutionS) : null;

  const percentilesUs: Record<string, number> = {};
  for (const p of hist.has('Percentiles') ? hist.array('Percentiles') : []) {
    percentilesUs[percentileKey(p.number('Percentile', { min: 0 }))] = Math.round(p.number('Value', { min: 0 }) * US_PER_S);
  }

  const codes = root.object('RetCodes');
  let responses2xx = 0;
  let responsesNon2xx = 0;
  let errors = 0;
  for (const key of Object.keys(codes.value)) {
    if (grpc) {
      const n = codes.number(key, { min: 0, integer: true });
      const outcome = grpcOutcome(key);
      if (outcome === 'ok') responses2xx += n;
      else if (outcome === 'error') errors += n;
      else responsesNon2xx += n;
      continue;
    }
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
    connections: grpc ? grpcConnections(root) : root.number('NumThreads', { min: 1, integer: true }),
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
    okLatencyUs: ok?.histogram ?? null,
    coordinatedOmissionCorrected: false,
    uncorrectedLatencyUs: null,
    percentilesUs,
    minUs: count > 0 ? Math.round(hist.number('Min', { min: 0 }) * US_PER_S) : null,
    meanUs: count > 0 ? hist.number('Avg', { min: 0 }) * US_PER_S : null,
    maxUs: count > 0 ? Math.round(hist.number('Max', { min: 0 }) * US_PER_S) : null,
    ...(grpc ? { protocol: 'grpc' as const } : {}),
    labels: root.optionalString('Labels') || null,
    lacks: grpc ? [...FORTIO_LACKS.filter((l) => !l.startsWith('error classes')), ...FORTIO_GRPC_LACKS] : [...FORTIO_LACKS],
    clampedLatencies: builder.clampedCount,
    notes: [
      ...(grpc ? [`Fortio ${runType}${root.optionalNumber('Streams') === null ? '' : `, ${root.optionalNumber('Streams')} stream(s) per connection`}`] : []),
      ...builder.notes('calls'),
      ...(ok === null ? ['no 2xx-only latency: the file lacks ErrorsDurationHistogram or Resolution, or its two histograms do not share one bucket grid'] : []),
    ],
  };
}
