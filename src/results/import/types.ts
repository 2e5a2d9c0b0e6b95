/**
 * What an importer makes of another tool's result file: the figures the file really holds, in
 * meshbench's units, and a plain list of what it does not hold. Nothing here is estimated: a
 * figure the format lacks is null and named in `lacks`, so a comparison can say so instead of
 * making it up (issue 13, DESIGN.md "An imported result").
 */
import type { Protocol } from '../../workload/protocol.ts';
import type { Histogram } from '../histogram.ts';
import type { ErrorClass } from '../model.ts';

export const IMPORT_FORMATS = ['fortio', 'hlog', 'wrk2', 'k6'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportedMeasurement {
  format: ImportFormat;
  /** The tool that wrote the file, e.g. "fortio", "wrk2", "k6", "HdrHistogram interval log". */
  tool: string;
  /** As the file states it; null when the format does not record it (wrk2, k6 summary). */
  toolVersion: string | null;
  /** The path it was read from, as given. */
  file: string;
  /** ISO time the measurement started; null when the file does not say. */
  startedAt: string | null;
  durationMs: number | null;
  connections: number | null;
  /** The requested rate; null for an unthrottled run or when the file does not record it (see `targetRpsRecorded`). */
  targetRps: number | null;
  /** True when the file records the requested rate, so a null `targetRps` means unthrottled (Fortio "max"). */
  targetRpsRecorded: boolean;
  achievedRps: number | null;
  /** Requests the tool counted: responses plus failed requests (wrk2: completed responses only, see `errors`). */
  requests: number | null;
  responses2xx: number | null;
  responsesNon2xx: number | null;
  /** Requests that got no response (socket errors, timeouts); wrk2: its socket error events, as it counts them. */
  errors: number | null;
  /** Non-2xx responses plus errors: the only failure count some formats have (k6 http_req_failed). */
  failedRequests: number | null;
  /** Only where the format classifies its errors. */
  errorsByClass: Record<ErrorClass, number> | null;
  /**
   * Latency in µs on meshbench's HDR settings (1 µs to 60 s, 3 digits); null when the format
   * carries only a few percentiles (k6). `latencyScope` says which requests it holds.
   */
  latencyUs: Histogram | null;
  /** Which requests `latencyUs` holds, in words, e.g. "every call: 2xx, non-2xx and failed". */
  latencyScope: string;
  /**
   * 2xx responses only, where the format tells them apart from the rest (Fortio: every call minus
   * its failed calls, bucket by bucket); null otherwise. meshbench's own `latencyUs` is this.
   */
  okLatencyUs: Histogram | null;
  /** Latencies outside 1 µs to 60 s, recorded at the nearest end; null when there is no histogram. */
  clampedLatencies: number | null;
  /** True: measured from the intended send time (wrk2); false: from the actual send; null: unknown. */
  coordinatedOmissionCorrected: boolean | null;
  /** wrk2 -U: latency from the actual send, beside the corrected one; null otherwise. */
  uncorrectedLatencyUs: Histogram | null;
  /** The percentiles the tool itself printed, in µs, keyed "p50", "p99.9", ...; {} when it printed none. */
  percentilesUs: Record<string, number>;
  minUs: number | null;
  meanUs: number | null;
  maxUs: number | null;
  /** What the tool spoke when not HTTP/1.1 (Fortio's gRPC runs: grpc); absent for HTTP. */
  protocol?: Exclude<Protocol, 'http1'>;
  /** Free-form labels the file carries (Fortio -labels, the wrk2 URL). */
  labels: string | null;
  /** What this format does not carry, one plain sentence each. */
  lacks: string[];
  /** What the import changed or assumed, e.g. values clamped to the 60 s ceiling. */
  notes: string[];
}

export interface ImportOptions {
  /** Skip detection. */
  format?: ImportFormat;
  /** .hlog only: the unit the writer recorded in; the format does not say. Default "us". */
  hlogValueUnit?: HlogValueUnit;
  /** .hlog only: merge only the intervals with this tag. Default: every interval. */
  hlogTag?: string;
}

export const HLOG_VALUE_UNITS = { ns: 0.001, us: 1, ms: 1000 } as const;
export type HlogValueUnit = keyof typeof HLOG_VALUE_UNITS;

/** Every import lacks these: one archived run of another tool is not a meshbench run. */
export const ALWAYS_LACKS: readonly string[] = [
  'per-repetition spread: one archived run, so its own noise is unknown',
  'resource usage (CPU, memory per container)',
  'the environment it ran in (machine, platform, mesh and proxy versions)',
  "the load generator's own scheduling lag",
];
