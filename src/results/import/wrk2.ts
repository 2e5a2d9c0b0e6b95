/**
 * wrk2's `--latency` output (stdout, saved to a file): its coordinated-omission-corrected
 * HdrHistogram printed as a "Detailed Percentile spectrum" in ms with µs precision, and with
 * `-U` a second spectrum of the uncorrected latency. The histogram is rebuilt from the spectrum:
 * the calls counted between two rows are put at the upper row's value, as HdrHistogram's
 * percentile iteration reported them, so values between rows are rounded up (never flattered).
 * The percentiles printed above the spectrum (50 %, 99 %, ...; ms with two decimals) fall between
 * rows, so each one is added as a point too: the rank it names is placed at the value printed.
 */
import { HistogramBuilder } from './counts.ts';
import { importError, percentileKey } from './fields.ts';
import { ALWAYS_LACKS, type ImportedMeasurement } from './types.ts';

const FIX = "pass wrk2's full standard output from a run with --latency (e.g. `wrk -R 1000 --latency URL > out.txt`), unedited";

export const WRK2_LACKS: readonly string[] = [
  'the target rate (-R): wrk2 does not print it; give it with --level',
  'a full latency histogram: rebuilt from the printed percentile spectrum, so a value between two printed percentiles counts as the upper one',
  'failed requests in the latency histogram: wrk2 records responses only (non-2xx included)',
  'error classes other than timeouts: wrk2 counts connect, read and write errors without saying refused or reset',
  'the tool version and the start time: wrk2 does not print them',
  ...ALWAYS_LACKS,
];

export function looksLikeWrk2(text: string): boolean {
  return /Detailed Percentile spectrum:/.test(text) || /Latency Distribution \(HdrHistogram/.test(text) || /^Running \S+ test @ /m.test(text);
}

const UNIT_US: Record<string, number> = { us: 1, ms: 1000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 };

interface Section {
  builder: HistogramBuilder;
  percentilesUs: Record<string, number>;
  meanUs: number;
  maxUs: number;
  count: number;
}

export function importWrk2(text: string, file: string): ImportedMeasurement {
  const lines = text.split(/\r?\n/);
  const fail = (lineIndex: number | null, what: string) => importError(file, lineIndex === null ? null : `line ${lineIndex + 1}`, what, FIX);

  let url: string | null = null;
  let connections: number | null = null;
  let responses: number | null = null;
  let durationMs: number | null = null;
  let achievedRps: number | null = null;
  let non2xx = 0;
  const errorsBy = { connect: 0, read: 0, write: 0, timeout: 0 };
  const sections = new Map<'corrected' | 'uncorrected', Section>();

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let m: RegExpExecArray | null;
    if ((m = /^Running (\S+) test @ (.+)$/.exec(line))) url = m[2]!.trim();
    else if ((m = /^\s*(\d+) threads and (\d+) connections/.exec(line))) connections = Number(m[2]);
    else if ((m = /^\s*Latency Distribution \(HdrHistogram - (.+)\)\s*$/.exec(line))) {
      const kind = /^Uncorrected/.test(m[1]!) ? 'uncorrected' : 'corrected';
      if (sections.has(kind)) throw fail(i, `a second ${kind} latency distribution`);
      const parsed = parseSection(lines, i + 1, fail);
      sections.set(kind, parsed.section);
      i = parsed.nextLine - 1;
    } else if ((m = /^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h),/.exec(line))) {
      responses = Number(m[1]);
      durationMs = (Number(m[2]) * UNIT_US[m[3]!]!) / 1000;
    } else if ((m = /^\s*Non-2xx or 3xx responses: (\d+)/.exec(line))) non2xx = Number(m[1]);
    else if ((m = /^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(line))) {
      errorsBy.connect = Number(m[1]);
      errorsBy.read = Number(m[2]);
      errorsBy.write = Number(m[3]);
      errorsBy.timeout = Number(m[4]);
    } else if ((m = /^Requests\/sec:\s+([\d.]+)/.exec(line))) achievedRps = Number(m[1]);
  }

  const corrected = sections.get('corrected');
  if (!corrected) throw fail(null, 'no "Latency Distribution (HdrHistogram - Recorded Latency)" with a "Detailed Percentile spectrum": this is not wrk2 --latency output (plain wrk prints only four uncorrected percentiles)');
  if (responses === null || durationMs === null) throw fail(null, 'no "N requests in T" summary line: the output is cut short');
  if (achievedRps === null) throw fail(null, 'no "Requests/sec:" line: the output is cut short');
  const errors = errorsBy.connect + errorsBy.read + errorsBy.write + errorsBy.timeout;

  return {
    format: 'wrk2',
    tool: 'wrk2',
    toolVersion: null,
    file,
    startedAt: null,
    durationMs,
    connections,
    targetRps: null,
    targetRpsRecorded: false,
    achievedRps,
    // wrk2's "N requests" are completed responses. Its socket errors are events, not requests (a
    // timeout is counted at every periodic check of a connection still waiting, and the response
    // may still arrive), so they are reported beside, never added in.
    requests: responses,
    // wrk counts only status >= 400 as "Non-2xx or 3xx", so 1xx and 3xx are among these.
    responses2xx: responses - non2xx,
    responsesNon2xx: non2xx,
    errors,
    failedRequests: errors === 0 ? non2xx : null,
    errorsByClass: { timeout: errorsBy.timeout, refused: 0, reset: 0, other: errorsBy.connect + errorsBy.read + errorsBy.write },
    latencyUs: corrected.builder.histogram,
    okLatencyUs: null,
    clampedLatencies: corrected.builder.clampedCount,
    latencyScope: 'every response, non-2xx included, from its intended send time (wrk2 records no latency for failed requests)',
    coordinatedOmissionCorrected: true,
    uncorrectedLatencyUs: sections.get('uncorrected')?.builder.histogram ?? null,
    percentilesUs: corrected.percentilesUs,
    minUs: null,
    meanUs: corrected.meanUs,
    maxUs: corrected.maxUs,
    labels: url,
    lacks: [
      ...WRK2_LACKS,
      ...(sections.has('uncorrected') ? [] : ['the uncorrected latency (wrk2 prints it only with -U)']),
      'a 2xx count apart from 1xx and 3xx: wrk counts only status 400 and above as "Non-2xx or 3xx responses"',
    ],
    notes: [
      ...corrected.builder.notes('latencies'),
      ...(errors > 0 ? [`${errors} socket error events (connect ${errorsBy.connect}, read ${errorsBy.read}, write ${errorsBy.write}, timeout ${errorsBy.timeout}) are wrk2's counts of events, not of failed requests, so no failed-request count is given`] : []),
      ...(corrected.count !== responses ? [`the histogram holds ${corrected.count} latencies for ${responses} responses, as wrk2 printed them`] : []),
    ],
  };
}

type Fail = (lineIndex: number | null, what: string) => Error;

/** One "Latency Distribution" block: printed percentiles, then the detailed spectrum and its totals. */
function parseSection(lines: string[], from: number, fail: Fail): { section: Section; nextLine: number } {
  const percentilesUs: Record<string, number> = {};
  const builder = new HistogramBuilder();
  let i = from;
  let m: RegExpExecArray | null;
  for (; i < lines.length && (m = /^\s*([\d.]+)%\s+([\d.]+)(us|ms|s|m|h)\s*$/.exec(lines[i]!)); i++) {
    percentilesUs[percentileKey(Number(m[1]))] = Math.round(Number(m[2]) * UNIT_US[m[3]!]!);
  }
  while (i < lines.length && !/Detailed Percentile spectrum:/.test(lines[i]!)) {
    if (/Latency Distribution|requests in/.test(lines[i]!)) throw fail(i, 'a latency distribution without its "Detailed Percentile spectrum": run wrk2 with --latency');
    i++;
  }
  if (i >= lines.length) throw fail(null, 'a latency distribution without its "Detailed Percentile spectrum": run wrk2 with --latency');
  const rows: { valueUs: number; total: number }[] = [];
  let previousTotal = 0;
  let meanUs: number | null = null;
  let maxUs: number | null = null;
  let count: number | null = null;
  for (i++; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*$/.test(line) || /^\s*Value\s+Percentile/.test(line)) continue;
    if ((m = /^\s*([\d.]+)\s+([\d.]+)\s+(\d+)\s+([\d.]+|inf)\s*$/.exec(line))) {
      const total = Number(m[3]);
      if (total < previousTotal) throw fail(i, `TotalCount goes down (${total} after ${previousTotal}): the spectrum is edited or cut`);
      // Values are ms with three decimals: whole µs, as wrk2 recorded them.
      rows.push({ valueUs: Math.round(Number(m[1]) * 1000), total });
      previousTotal = total;
    } else if ((m = /^#\[Mean\s*=\s*([\d.]+),/.exec(line))) meanUs = Number(m[1]) * 1000;
    else if ((m = /^#\[Max\s*=\s*([\d.]+), Total count\s*=\s*(\d+)\]/.exec(line))) {
      maxUs = Math.round(Number(m[1]) * 1000);
      count = Number(m[2]);
    } else if (/^#\[Buckets/.test(line)) {
      i++;
      break;
    } else throw fail(i, `unexpected line in the percentile spectrum: ${JSON.stringify(line.trim().slice(0, 60))}`);
  }
  if (rows.length === 0) throw fail(i - 1, 'the "Detailed Percentile spectrum" has no rows');
  if (meanUs === null || maxUs === null || count === null) throw fail(i - 1, 'the spectrum lacks its "#[Mean", "#[Max ... Total count" lines: the output is cut short');
  if (count !== previousTotal) throw fail(i - 1, `the spectrum ends at ${previousTotal} calls but "Total count" says ${count}`);
  let total = 0;
  for (const point of withPrintedPercentiles(rows, percentilesUs, count)) {
    builder.add(point.valueUs, point.total - total);
    total = point.total;
  }
  return { section: { builder, percentilesUs, meanUs, maxUs, count }, nextLine: i };
}

/**
 * The spectrum rows plus one point per printed percentile that falls between rows: rank
 * round(p × count) (HdrHistogram's own rank rule) at the printed value, kept between its
 * neighbours' values since the printed one is rounded to 10 µs.
 */
function withPrintedPercentiles(rows: { valueUs: number; total: number }[], percentilesUs: Record<string, number>, count: number): { valueUs: number; total: number }[] {
  const points = [...rows];
  for (const [key, valueUs] of Object.entries(percentilesUs)) {
    const rank = Math.max(1, Math.floor((Number(key.slice(1)) / 100) * count + 0.5));
    const next = points.findIndex((p) => p.total >= rank);
    if (next < 0 || points[next]!.total === rank) continue;
    const low = next === 0 ? 0 : points[next - 1]!.valueUs;
    points.splice(next, 0, { valueUs: Math.min(points[next]!.valueUs, Math.max(low, valueUs)), total: rank });
  }
  return points;
}
