/**
 * Imported measurements as a meshbench result: one mesh, one trial per file (files of one level
 * are its repetitions), marked `imported` with the tool, the files and what the format lacks.
 * Nothing is made up: what a format does not record stays unknown and is listed in `lacks`.
 */
import { createHash } from 'node:crypto';
import { resolveScenario } from '../../scenario/resolve.ts';
import { ScenarioSchema } from '../../scenario/schema.ts';
import { createLatencyHistogram, encodeHistogram, summarize, type Histogram, type LatencySummary } from '../histogram.ts';
import { SCHEMA_VERSION, type LoadFigures, type MeasuredTrial, type RunResult } from '../model.ts';
import { invalidReasons } from '../validity.ts';
import type { ImportedLevelGroup } from './levels.ts';
import type { ImportedMeasurement } from './types.ts';
import type { Protocol } from '../../workload/protocol.ts';

/** What an imported result says of a time its files do not record. */
export const UNKNOWN_TIME = 'unknown';

export interface ImportToResultOptions {
  mesh: string;
  /** Failed requests a trial may have and stay valid (the scenario default when not given). */
  errorBudget?: number;
  meshbenchVersion: string;
}

/** A summary from the percentiles a tool printed (k6): the ones it did not print stay null. */
function fromPercentiles(m: ImportedMeasurement): LatencySummary {
  const p = m.percentilesUs;
  return {
    count: m.requests ?? 0,
    p50Us: p.p50 ?? 0,
    p90Us: p.p90 ?? null,
    p99Us: p.p99 ?? null,
    p999Us: p['p99.9'] ?? null,
    maxUs: m.maxUs ?? 0,
    meanUs: m.meanUs ?? 0,
  };
}

const histogramOrEmpty = (h: Histogram | null) => h ?? createLatencyHistogram();

function trialOf(m: ImportedMeasurement, group: ImportedLevelGroup, mesh: string, index: number, repetition: number, errorBudget: number): MeasuredTrial {
  const requests = m.requests ?? m.latencyUs?.totalCount ?? 0;
  const failed = m.failedRequests ?? (m.responsesNon2xx ?? 0) + (m.errors ?? 0);
  // k6 counts failed requests without splitting non-2xx from errors: both are non-2xx here, and `lacks` says so.
  const responses2xx = m.responses2xx ?? Math.max(0, requests - failed);
  const responsesNon2xx = m.responsesNon2xx ?? (m.errors === null ? failed : 0);
  const errors = m.errors ?? 0;
  const durationMs = m.durationMs ?? (m.achievedRps && requests ? (requests / m.achievedRps) * 1_000 : 0);
  const ok = m.okLatencyUs ?? m.latencyUs;
  const version = m.toolVersion ? ` ${m.toolVersion}` : '';
  const load: LoadFigures = {
    mode: group.level.targetRps === null ? 'max' : 'rate',
    engine: `${m.tool}${version}`,
    requests,
    responses2xx,
    responsesNon2xx,
    errors,
    errorsByClass: m.errorsByClass ?? { timeout: 0, refused: 0, reset: 0, other: errors },
    durationMs,
    targetRps: group.level.targetRps,
    achievedRps: durationMs > 0 ? (responses2xx * 1_000) / durationMs : 0,
    sentRps: m.achievedRps,
    clampedLatencies: m.clampedLatencies,
  };
  // The same validity rules as a measured trial (error budget, no 2xx, the rate when the file
  // says how long it ran); the loader's own checks need figures no other tool records.
  const reasons = invalidReasons({ load: durationMs > 0 ? load : { ...load, targetRps: null }, errorBudget, loaderSaturated: false, loaderCpuCores: null });
  return {
    status: reasons.length ? 'invalid' : 'valid',
    reasons,
    trial: { index, mesh, level: group.level, repetition, ...(m.protocol ? { protocol: m.protocol } : {}) },
    mesh,
    meshLabel: `${mesh} (imported from ${m.tool}${version}: ${m.file})`,
    startedAt: m.startedAt ?? UNKNOWN_TIME,
    windowStartedAt: m.startedAt,
    load,
    latency: ok ? summarize(ok) : fromPercentiles(m),
    allAttemptsLatency: m.latencyUs ? summarize(m.latencyUs) : fromPercentiles(m),
    uncorrectedLatency: m.uncorrectedLatencyUs ? summarize(m.uncorrectedLatencyUs) : null,
    schedulerLag: null,
    resources: [],
    histograms: {
      latencyUs: encodeHistogram(histogramOrEmpty(ok)),
      non2xxLatencyUs: encodeHistogram(createLatencyHistogram()),
      errorLatencyUs: encodeHistogram(createLatencyHistogram()),
      uncorrectedLatencyUs: m.uncorrectedLatencyUs ? encodeHistogram(m.uncorrectedLatencyUs) : null,
      schedulerLagUs: null,
    },
  };
}

export function importedRunResult(groups: readonly ImportedLevelGroup[], o: ImportToResultOptions): RunResult {
  const all = groups.flatMap((g) => g.repetitions);
  const tools = [...new Set(all.map((m) => m.tool))];
  const files = all.map((m) => m.file);
  const repetitions = Math.max(...groups.map((g) => g.repetitions.length));
  // The files' own window when they all say the same one (the trials keep each file's); left at
  // the default otherwise, where the scenario cannot hold one figure for them all.
  const durations = [...new Set(all.map((m) => (m.durationMs === null ? null : Math.round(m.durationMs))))];
  const duration = durations.length === 1 && durations[0] ? { duration: `${durations[0]}ms` } : {};
  const scenario = resolveScenario(
    ScenarioSchema.parse({
      name: `${o.mesh} imported from ${tools.join(', ')}`,
      description: `Imported by bench import from ${files.join(', ')}`,
      meshes: [o.mesh],
      load: {
        ...(groups[0]!.level.targetRps === null ? { mode: 'max', connections: groups.map((g) => g.level.connections) } : { mode: 'rate', connections: groups[0]!.level.connections, rate: groups.map((g) => g.level.targetRps!) }),
        // The budget the trials were judged by, in the result: a raised one was otherwise
        // invisible (the file said 1 % beside a trial valid at 1.7 % failed).
        ...(o.errorBudget === undefined ? {} : { errorBudget: o.errorBudget }),
        ...duration,
        // Nothing of the files' windows was set aside: each is measured whole, as its tool recorded it.
        warmup: '0s',
      },
      repetitions,
    }),
  );
  let index = 0;
  const trials = groups.flatMap((g) => g.repetitions.map((m, i) => trialOf(m, g, o.mesh, index++, i + 1, scenario.load.errorBudget)));
  // When the files ran, as far as they say; never the time of the import.
  const starts = all.map((m) => m.startedAt).filter((s): s is string => s !== null).sort();
  const started = starts[0] ?? UNKNOWN_TIME;
  const ends = all.flatMap((m) => (m.startedAt && m.durationMs !== null ? [new Date(Date.parse(m.startedAt) + m.durationMs).toISOString()] : [])).sort();
  const finished = starts.length === all.length && ends.length === all.length ? ends.at(-1)! : null;
  const lacks = [...new Set(all.flatMap((m) => [...m.lacks, ...m.notes.map((n) => `note: ${n}`), `latency scope: ${m.latencyScope}`]))];
  return {
    schemaVersion: SCHEMA_VERSION,
    source: { kind: 'imported', tool: tools.join(', '), files, lacks },
    meshbenchVersion: o.meshbenchVersion,
    runId: `imported-${createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12)}`,
    status: 'completed',
    startedAt: started,
    finishedAt: finished,
    scenarioFile: files.join(', '),
    scenarioHash: 'imported',
    scenario,
    environment: { platform: `imported (${tools.join(', ')})`, layout: 'unknown', hostname: 'unknown', os: 'unknown', kernel: 'unknown', cpuModel: 'unknown', cpuCount: 0, memoryBytes: 0, node: 'unknown', components: Object.fromEntries(all.map((m) => [m.tool, m.toolVersion ?? 'unknown'])), caveats: [], ...sharedProtocol(all) },
    levels: groups.map((g) => g.level),
    plannedTrials: trials.length,
    trials,
    gate: null,
  };
}

/** The protocol every imported file spoke, for the environment; none when they differ or say nothing. */
function sharedProtocol(all: readonly ImportedMeasurement[]): { protocol?: Protocol } {
  const protocols = new Set(all.map((m) => m.protocol ?? 'http1'));
  const [only] = protocols;
  return protocols.size === 1 && only !== 'http1' ? { protocol: only! } : {};
}
