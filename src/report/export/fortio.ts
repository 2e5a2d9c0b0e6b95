/**
 * `bench export RESULT --format fortio`: one Fortio-format JSON file per measured trial, with
 * Fortio's own field names and histogram structure, so Fortio's UI (`fortio report`), Istio's
 * perf/benchmark scripts and anything else that reads `fortio load -json` output can read a
 * meshbench run. Pure: a result in, files out.
 *
 * Fortio keeps one histogram of every call; meshbench keeps 2xx, non-2xx and failures apart, so
 * DurationHistogram is their exact merge and ErrorsDurationHistogram that of non-2xx and failures.
 * Latency is meshbench's own: from the intended send in open loop (Fortio measures from the
 * actual send); the Labels say so.
 */
import { decodeHistogram, mergeHistograms } from '../../results/histogram.ts';
import { isMeasured, type MeasuredTrial, type RunResult } from '../../results/model.ts';
import type { ReportFile } from '../types.ts';
import { FORTIO_PERCENTILES, toFortioHistogram, type FortioHistogramData } from './fortio-histogram.ts';

export interface FortioExportOptions {
  /** Fortio's `-r`: the width of its finest buckets, in seconds. Default 10 µs (Fortio's own is 1 ms, too coarse for mesh overhead). */
  resolutionS?: number;
  /** Fortio's `-p`. Default 50, 75, 90, 99, 99.9. */
  percentiles?: readonly number[];
}

export const DEFAULT_FORTIO_RESOLUTION_S = 0.00001;

/**
 * The fields of Fortio 1.66's HTTP result that a meshbench result cannot fill truthfully
 * (client options meshbench does not have, per-socket and per-IP counts it does not keep), left
 * out rather than made up. Sizes is written only for meshbench's own workload (see below).
 */
export const FORTIO_FIELDS_NOT_EXPORTED: readonly string[] = [
  'Exactly', 'NoCatchUp', 'RunID', 'AccessLoggerInfo', 'IPCountMap', 'Insecure', 'MTLS', 'CACert', 'Cert', 'Key',
  'UnixDomainSocket', 'NumConnections', 'Compression', 'DisableFastClient', 'HTTP10', 'H2', 'DisableKeepAlive', 'AllowHalfClose',
  'FollowRedirects', 'Resolve', 'UserCredentials', 'ContentType', 'Payload', 'MethodOverride', 'LogErrors', 'SequentialWarmup',
  'ConnReuseRange', 'NoResolveEachConn', 'HeaderSizes', 'Sockets', 'SocketCount', 'ConnectionStats', 'AbortOn',
];

/** Written only when the result knows it: Sizes, for meshbench's own workload. */
export const FORTIO_FIELDS_WHEN_KNOWN: readonly string[] = ['Sizes'];

/** What `fortio load -json` writes for an HTTP run, less FORTIO_FIELDS_NOT_EXPORTED. */
export interface FortioResult {
  RunType: 'HTTP';
  Labels: string;
  StartTime: string;
  RequestedQPS: string;
  RequestedDuration: string;
  ActualQPS: number;
  /** Nanoseconds. */
  ActualDuration: number;
  NumThreads: number;
  Version: string;
  DurationHistogram: FortioHistogramData;
  ErrorsDurationHistogram: FortioHistogramData;
  Jitter: boolean;
  /** Fortio -uniform: requests evenly spaced across all connections, as meshbench's open loop sends them. */
  Uniform: boolean;
  ID: string;
  /** HTTP status code (as a string key) to count; -1 is Fortio's code for a call without a response. */
  RetCodes: Record<string, number>;
  /** The target URL; for meshbench's own workload (ephemeral loopback ports) a description, so Fortio's UI title names it. */
  URL: string;
  /** Nanoseconds. */
  HTTPReqTimeOut: number;
  Offset: number;
  Resolution: number;
  Sizes?: FortioHistogramData;
}

export function fortioFileName(t: MeasuredTrial): string {
  return `fortio/${t.trial.mesh}-${t.trial.level.id}-rep${t.trial.repetition}.json`;
}

/** Every measured trial (valid and invalid; the label says which); failed and aborted trials have no figures. */
export function exportFortio(result: RunResult, options: FortioExportOptions = {}): ReportFile[] {
  return result.trials.filter(isMeasured).map((t) => ({ path: fortioFileName(t), content: `${JSON.stringify(toFortioResult(result, t, options), null, 2)}\n` }));
}

export function toFortioResult(result: RunResult, t: MeasuredTrial, options: FortioExportOptions = {}): FortioResult {
  const resolutionS = options.resolutionS ?? DEFAULT_FORTIO_RESOLUTION_S;
  const percentiles = options.percentiles ?? FORTIO_PERCENTILES;
  const ok = decodeHistogram(t.histograms.latencyUs);
  const non2xx = decodeHistogram(t.histograms.non2xxLatencyUs);
  const failed = decodeHistogram(t.histograms.errorLatencyUs);
  const load = t.load;
  const retCodes: Record<string, number> = {};
  // meshbench counts 2xx as one class and keeps no status codes: all 2xx are filed under 200,
  // which is what Fortio's readers take as success. Non-2xx have no code to file them under.
  if (load.responses2xx > 0) retCodes['200'] = load.responses2xx;
  if (load.errors > 0) retCodes['-1'] = load.errors;
  const seconds = load.durationMs / 1000;
  const start = t.windowStartedAt ?? t.startedAt;
  const labels = [
    `meshbench ${result.runId}`, t.meshLabel, `level ${t.trial.level.id}`, `rep ${t.trial.repetition}`, t.status, load.engine,
    load.mode === 'rate' ? 'latency from intended send (coordinated-omission corrected)' : 'latency from actual send',
  ].join(', ');

  const fortio: FortioResult = {
    RunType: 'HTTP',
    Labels: labels,
    StartTime: start,
    RequestedQPS: load.targetRps === null ? 'max' : String(load.targetRps),
    RequestedDuration: `${seconds}s`,
    // Fortio's ActualQPS is calls completed per second, whatever their outcome.
    ActualQPS: seconds > 0 ? load.requests / seconds : 0,
    ActualDuration: Math.round(load.durationMs * 1e6),
    NumThreads: t.trial.level.connections,
    Version: `meshbench ${result.meshbenchVersion}`,
    DurationHistogram: toFortioHistogram(mergeHistograms([ok, non2xx, failed]), resolutionS, percentiles),
    ErrorsDurationHistogram: toFortioHistogram(mergeHistograms([non2xx, failed]), resolutionS, percentiles),
    Jitter: result.scenario.load.jitter > 0,
    Uniform: load.mode === 'rate',
    ID: `${result.runId}_${t.trial.mesh}_${t.trial.level.id}_rep${t.trial.repetition}`,
    RetCodes: retCodes,
    URL: result.scenario.target ?? `meshbench ${result.environment.platform} workload (${result.environment.layout}; its port is not recorded)`,
    HTTPReqTimeOut: result.scenario.load.timeoutMs * 1e6,
    Offset: 0,
    Resolution: resolutionS,
  };
  // Istio's perf/benchmark runner reads Sizes.Count (calls, for its error percent) and Sizes.Avg
  // (payload). meshbench measures no sizes, but its own workload answers exactly payloadBytes, so
  // Sizes is written (without buckets) only then; for an external target it is left out.
  if (result.scenario.target === null && load.requests > 0) {
    const bytes = result.scenario.workload.payloadBytes;
    fortio.Sizes = { Count: load.requests, Min: bytes, Max: bytes, Sum: bytes * load.requests, Avg: bytes, StdDev: 0, Data: null };
  }
  return fortio;
}
