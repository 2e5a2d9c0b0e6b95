/**
 * The result line of a load engine run elsewhere (the in-cluster entry, cluster-entry.ts): one
 * JSON line, last on stdout, that carries a LoadOutcome whole: histograms as HdrHistogram
 * compressed base64 (what the standard HdrHistogram tools read), counters, outcome classes,
 * scheduler lag, and the measured window in wall time. `decodeResultLine` turns a loader pod's log
 * back into the LoadOutcome a local run would have given; `mergeOutcomes` adds up the pods.
 */
import { decodeHistogram, encodeHistogram, mergeHistograms, type Histogram } from '../results/histogram.ts';
import { ERROR_CLASSES, type BandwidthCounts, type ErrorClass } from '../results/model.ts';
import { emptyErrorCounts, type LoadOutcome } from './types.ts';

export const RESULT_LINE_KIND = 'meshbench-load-result';
export const RESULT_LINE_VERSION = 1;

export interface ResultLine {
  kind: typeof RESULT_LINE_KIND;
  version: typeof RESULT_LINE_VERSION;
  engine: string;
  /** Which part of a distributed run this was (pod index of an Indexed Job), if any. */
  share: { index: number; count: number };
  /** The measured window on the wall clock (epoch ms), as this loader saw it. */
  window: { startEpochMs: number; endEpochMs: number };
  durationMs: number;
  targetRps: number | null;
  achievedRps: number;
  sentRps: number;
  scheduledRequests: number;
  loaderSaturated: boolean;
  errorsByClass: Record<ErrorClass, number>;
  histograms: { ok: string; non2xx: string; error: string; uncorrected: string | null; schedulerLag: string | null };
  /** Mode `bandwidth`: the bytes each end counted; absent in other modes. */
  bandwidth?: BandwidthCounts;
}

export function encodeResultLine(o: LoadOutcome, share: ResultLine['share'], window: ResultLine['window']): string {
  const line: ResultLine = {
    kind: RESULT_LINE_KIND,
    version: RESULT_LINE_VERSION,
    engine: o.engine,
    share,
    window,
    durationMs: o.durationMs,
    targetRps: o.targetRps,
    achievedRps: o.achievedRps,
    sentRps: o.sentRps,
    scheduledRequests: o.scheduledRequests,
    loaderSaturated: o.loaderSaturated,
    errorsByClass: o.errorsByClass,
    histograms: {
      ok: encodeHistogram(o.ok),
      non2xx: encodeHistogram(o.non2xx),
      error: encodeHistogram(o.error),
      uncorrected: o.uncorrected && encodeHistogram(o.uncorrected),
      schedulerLag: o.schedulerLag && encodeHistogram(o.schedulerLag),
    },
    ...(o.bandwidth && { bandwidth: o.bandwidth }),
  };
  return JSON.stringify(line);
}

/** Finds the result line in a loader's whole stdout (or log) and decodes it; throws saying what was wrong. */
export function decodeResultLine(output: string): { outcome: LoadOutcome; line: ResultLine } {
  const last = output.trimEnd().split('\n').at(-1) ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(last);
  } catch {
    throw new Error(`the loader's output does not end with its result line (last line: ${JSON.stringify(last.slice(0, 200))})`);
  }
  const line = parsed as Partial<ResultLine>;
  if (line.kind !== RESULT_LINE_KIND) throw new Error(`the loader's last line is not a ${RESULT_LINE_KIND} line`);
  if (line.version !== RESULT_LINE_VERSION) throw new Error(`the loader's result line has version ${String(line.version)}; this meshbench reads version ${RESULT_LINE_VERSION}: run the same meshbench version in the cluster`);
  const h = line.histograms!;
  const errorsByClass = emptyErrorCounts();
  for (const c of ERROR_CLASSES) errorsByClass[c] = Number(line.errorsByClass?.[c] ?? 0);
  const outcome: LoadOutcome = {
    engine: String(line.engine),
    ok: decodeHistogram(h.ok),
    non2xx: decodeHistogram(h.non2xx),
    error: decodeHistogram(h.error),
    uncorrected: h.uncorrected ? decodeHistogram(h.uncorrected) : null,
    schedulerLag: h.schedulerLag ? decodeHistogram(h.schedulerLag) : null,
    errorsByClass,
    durationMs: Number(line.durationMs),
    targetRps: line.targetRps ?? null,
    achievedRps: Number(line.achievedRps),
    sentRps: Number(line.sentRps),
    scheduledRequests: Number(line.scheduledRequests),
    loaderSaturated: Boolean(line.loaderSaturated),
    ...(line.bandwidth && { bandwidth: decodeBandwidth(line.bandwidth) }),
  };
  return { outcome, line: line as ResultLine };
}

function decodeBandwidth(b: BandwidthCounts): BandwidthCounts {
  const orNull = (v: number | null) => (v === null || v === undefined ? null : Number(v));
  return {
    connections: Number(b.connections),
    sentBytes: Number(b.sentBytes),
    sentWindowUs: Number(b.sentWindowUs),
    receivedBytes: orNull(b.receivedBytes),
    receivedWindowUs: orNull(b.receivedWindowUs),
    totalSentBytes: Number(b.totalSentBytes),
    totalReceivedBytes: orNull(b.totalReceivedBytes),
  };
}

/** Bandwidth parts add up only over one window; loaders of one trial share it (the common start). */
function mergeBandwidth(parts: readonly LoadOutcome[]): BandwidthCounts | undefined {
  const all = parts.map((o) => o.bandwidth);
  if (!all.every((b): b is BandwidthCounts => b !== undefined)) return undefined;
  const sum = (f: (b: BandwidthCounts) => number) => all.reduce((a, b) => a + f(b), 0);
  const sumOrNull = (f: (b: BandwidthCounts) => number | null) => (all.every((b) => f(b) !== null) ? sum((b) => f(b)!) : null);
  const widest = (f: (b: BandwidthCounts) => number | null) => (all.every((b) => f(b) !== null) ? Math.max(...all.map((b) => f(b)!)) : null);
  return {
    connections: sum((b) => b.connections),
    sentBytes: sum((b) => b.sentBytes),
    sentWindowUs: Math.max(...all.map((b) => b.sentWindowUs)),
    receivedBytes: sumOrNull((b) => b.receivedBytes),
    receivedWindowUs: widest((b) => b.receivedWindowUs),
    totalSentBytes: sum((b) => b.totalSentBytes),
    totalReceivedBytes: sumOrNull((b) => b.totalReceivedBytes),
  };
}

/**
 * The parts of a distributed run as one outcome: histograms added exactly (never percentiles
 * averaged), counts and rates summed, saturated if any part was. Each part's own scheduler lag
 * stays in its own outcome, so a saturated pod remains visible.
 */
export function mergeOutcomes(parts: readonly LoadOutcome[]): LoadOutcome {
  if (parts.length === 0) throw new RangeError('nothing to merge: no load outcomes');
  const sum = (f: (o: LoadOutcome) => number) => parts.reduce((a, o) => a + f(o), 0);
  const mergeOptional = (f: (o: LoadOutcome) => Histogram | null) => (parts.every((o) => f(o)) ? mergeHistograms(parts.map((o) => f(o)!)) : null);
  const errorsByClass = emptyErrorCounts();
  for (const o of parts) for (const c of ERROR_CLASSES) errorsByClass[c] += o.errorsByClass[c];
  const bandwidth = mergeBandwidth(parts);
  return {
    engine: `${parts[0]!.engine} × ${parts.length}`,
    ok: mergeHistograms(parts.map((o) => o.ok)),
    non2xx: mergeHistograms(parts.map((o) => o.non2xx)),
    error: mergeHistograms(parts.map((o) => o.error)),
    uncorrected: mergeOptional((o) => o.uncorrected),
    schedulerLag: mergeOptional((o) => o.schedulerLag),
    errorsByClass,
    durationMs: Math.max(...parts.map((o) => o.durationMs)),
    targetRps: parts.every((o) => o.targetRps !== null) ? sum((o) => o.targetRps!) : null,
    achievedRps: sum((o) => o.achievedRps),
    sentRps: sum((o) => o.sentRps),
    scheduledRequests: sum((o) => o.scheduledRequests),
    loaderSaturated: parts.some((o) => o.loaderSaturated),
    ...(bandwidth && { bandwidth }),
  };
}
