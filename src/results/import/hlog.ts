/**
 * HdrHistogram interval logs (.hlog), as written by HdrHistogram's HistogramLogWriter in Java,
 * C, Go, Rust or JavaScript (and by meshbench's own hlog report). The intervals are merged
 * exactly: every recorded value and count of every interval (or of one tag) is added into one
 * meshbench histogram. The format does not record its unit, so the caller says it (default µs).
 * Parsed line by line here rather than with HistogramLogReader, which skips a bad line silently.
 */
import * as hdr from 'hdr-histogram-js';
import { HistogramBuilder } from './counts.ts';
import { importError } from './fields.ts';
import { ALWAYS_LACKS, HLOG_VALUE_UNITS, type HlogValueUnit, type ImportedMeasurement } from './types.ts';

const FIX = 'pass an HdrHistogram interval log as HistogramLogWriter writes it (lines "start,length,max,HISTFAA..."), unedited';

export const HLOG_LACKS: readonly string[] = [
  'request, response and error counts: an interval log holds only the recorded latencies',
  'which requests were recorded (2xx only, or every call): the writer decides and the log does not say',
  'whether latency was corrected for coordinated omission: the writer decides and the log does not say',
  'the connections and target rate of the load, and the tool that made it',
  'the value unit: an interval log does not record it, so it is read as the unit given (µs by default)',
  ...ALWAYS_LACKS,
];

export function looksLikeHlog(text: string): boolean {
  return /^#\[Histogram log format version/m.test(text) || /^(Tag=[^,]*,)?[\d.]+,[\d.]+,[\d.]+,HIST[A-Za-z0-9+/=]+\s*$/m.test(text);
}

export interface HlogOptions {
  valueUnit?: HlogValueUnit;
  tag?: string;
}

export function importHlog(text: string, file: string, options: HlogOptions = {}): ImportedMeasurement {
  const unit = options.valueUnit ?? 'us';
  const usPerValue = HLOG_VALUE_UNITS[unit];
  const builder = new HistogramBuilder();
  let startTimeSec: number | null = null;
  let baseTimeSec: number | null = null;
  let formatVersion: string | null = null;
  let firstStartSec: number | null = null;
  let lengthSec = 0;
  let intervals = 0;
  let recorded = 0;
  const tags = new Set<string>();
  const lines = text.split(/\r?\n/);

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const fail = (what: string) => importError(file, `line ${i + 1}`, what, FIX);
    let m: RegExpExecArray | null;
    if (line === '' || line.startsWith('"StartTimestamp"')) continue;
    if ((m = /^#\[StartTime: ([\d.]+)/.exec(line))) startTimeSec = Number(m[1]);
    else if ((m = /^#\[BaseTime: ([\d.]+)/.exec(line))) baseTimeSec = Number(m[1]);
    else if ((m = /^#\[Histogram log format version ([\d.]+)/.exec(line))) formatVersion = m[1]!;
    if (line.startsWith('#')) continue;

    const fields = line.split(',');
    const tag = fields[0]!.startsWith('Tag=') ? fields.shift()!.slice(4) : null;
    if (fields.length !== 4) throw fail(`expected 4 comma-separated fields (start, length, max, histogram), found ${fields.length}`);
    const [start, length, max] = fields.slice(0, 3).map(Number) as [number, number, number];
    if (![start, length, max].every((v) => Number.isFinite(v) && v >= 0)) throw fail(`start, length and max must be numbers, found ${JSON.stringify(fields.slice(0, 3).join(','))}`);
    if (tag !== null) tags.add(tag);
    if (options.tag !== undefined && tag !== options.tag) continue;

    let interval: hdr.Histogram;
    try {
      interval = hdr.decodeFromCompressedBase64(fields[3]!, 32, false);
    } catch (cause) {
      throw importError(file, `line ${i + 1}`, `the histogram does not decode (${(cause as Error).message}): the line is cut or edited`, FIX, cause);
    }
    addInterval(builder, interval as hdr.JsHistogram, usPerValue);
    recorded += interval.totalCount;
    firstStartSec ??= start;
    lengthSec += length;
    intervals++;
  }

  if (intervals === 0) {
    const what = options.tag !== undefined
      ? `no interval tagged ${JSON.stringify(options.tag)} (tags present: ${[...tags].map((t) => JSON.stringify(t)).join(', ') || 'none'})`
      : 'no interval lines: this is not an HdrHistogram interval log, or it is empty';
    throw importError(file, null, what, FIX);
  }
  const histogram = builder.histogram;
  // Interval timestamps are relative to BaseTime when it is given, else to StartTime (log format
  // 1.3), unless a writer logged absolute times (seconds since the epoch), as HdrHistogram's own
  // reader tells them apart: a first timestamp of more than a year.
  const absolute = (firstStartSec ?? 0) > 365 * 24 * 3600;
  const originSec = absolute ? 0 : (baseTimeSec ?? startTimeSec);
  return {
    format: 'hlog',
    tool: 'HdrHistogram interval log',
    toolVersion: formatVersion === null ? null : `log format ${formatVersion}`,
    file,
    startedAt: originSec === null ? null : new Date((originSec + (firstStartSec ?? 0)) * 1000).toISOString(),
    durationMs: lengthSec * 1000,
    connections: null,
    targetRps: null,
    targetRpsRecorded: false,
    achievedRps: lengthSec > 0 ? recorded / lengthSec : null,
    requests: recorded,
    responses2xx: null,
    responsesNon2xx: null,
    errors: null,
    failedRequests: null,
    errorsByClass: null,
    latencyUs: histogram,
    okLatencyUs: null,
    clampedLatencies: builder.clampedCount,
    latencyScope: `every value the writer recorded, ${intervals} interval${intervals === 1 ? '' : 's'}${options.tag === undefined ? '' : ` tagged ${JSON.stringify(options.tag)}`} merged`,
    coordinatedOmissionCorrected: null,
    uncorrectedLatencyUs: null,
    percentilesUs: {},
    minUs: null,
    meanUs: null,
    maxUs: null,
    labels: tags.size > 0 ? `tags: ${[...tags].join(', ')}` : null,
    lacks: [...HLOG_LACKS],
    notes: [
      `achievedRps is recorded values per second over the ${intervals} interval${intervals === 1 ? '' : 's'} (${lengthSec.toFixed(3)} s in all)`,
      ...(unit === 'us' ? [] : [`values read as ${unit} and converted to µs`]),
      ...builder.notes('values'),
    ],
  };
}

/** Adds every recorded value of one interval, in the log's unit, to the merged µs histogram. */
function addInterval(builder: HistogramBuilder, interval: hdr.JsHistogram, usPerValue: number): void {
  const values = interval.recordedValuesIterator;
  values.reset();
  while (values.hasNext()) {
    const v = values.next();
    // The value the interval's own percentiles report for this bucket, so the merge prints them.
    builder.add(v.valueIteratedTo * usPerValue, v.countAtValueIteratedTo);
  }
}
