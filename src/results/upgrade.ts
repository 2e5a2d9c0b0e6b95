/**
 * Reading every result file ever written: each schema version has a function that upgrades its
 * files to the next, so `report` and `compare` read old runs (DESIGN.md "One owner of the result
 * schema"). What an old file did not record stays unknown (null), never made up.
 */
import { decodeHistogram, mergeHistograms, summarize } from './histogram.ts';
import { SCHEMA_VERSION, type RunResult } from './model.ts';

type Json = Record<string, unknown>;

/**
 * Version 1 → 2: the environment lists component versions (HAProxy was its own field) and the
 * layout; `achievedRps` becomes completed 2xx per second (v1 open loop stored the sent rate,
 * which is kept as `sentRps`); every measured trial gains the all-attempts latency, computed from
 * the stored histograms (v1 did not record timeouts in the error histogram: its all-attempts
 * figures leave them out); results gain their source and gate record.
 */
function v1ToV2(r: Json): Json {
  const env = r.environment as Json;
  const { haproxyVersion, ...restEnv } = env;
  const trials = (r.trials as Json[]).map((t) => {
    if (t.status !== 'valid' && t.status !== 'invalid') return t;
    const load = t.load as Json;
    const h = t.histograms as Json;
    const durationMs = load.durationMs as number;
    const all = mergeHistograms([h.latencyUs, h.non2xxLatencyUs, h.errorLatencyUs].map((e) => decodeHistogram(e as string)));
    return {
      ...t,
      load: { ...load, achievedRps: durationMs > 0 ? ((load.responses2xx as number) * 1_000) / durationMs : 0, sentRps: load.achievedRps, clampedLatencies: null },
      allAttemptsLatency: summarize(all),
      windowStartedAt: null,
    };
  });
  const scenario = r.scenario as Json;
  return {
    ...r,
    schemaVersion: 2,
    // Keys the resolved scenario gained; a v1 run had none of them.
    scenario: { ...scenario, expectations: {} },
    source: { kind: 'measured' },
    environment: { ...restEnv, layout: env.platform === 'kubernetes' ? 'cluster' : 'loopback', components: haproxyVersion ? { haproxy: haproxyVersion } : {}, caveats: [] },
    trials,
    gate: null,
  };
}

/**
 * Version 2 → 3: a gate record lists every verdict (baseline and cross-mesh gates alike), and its
 * outcome may be inconclusive or no data; a v2 record kept only pass or regression, and no verdicts.
 */
function v2ToV3(r: Json): Json {
  const gate = r.gate as Json | null;
  return { ...r, schemaVersion: 3, gate: gate ? { ...gate, verdicts: [] } : null };
}

/**
 * Version 3 → 4: only added what a v3 file never has (a trial's own host-pause probe, the
 * bandwidth mode's figures, TLS to the workload), so a v3 file is already a v4 one. The bump is
 * for older readers: a meshbench that reads up to 3 refuses a v4 file rather than show a bandwidth
 * run's empty latency as if it had been measured.
 */
function v3ToV4(r: Json): Json {
  return { ...r, schemaVersion: 4 };
}

/** upgrades[v] turns a version-v file into version v+1. */
const upgrades: Record<number, (r: Json) => Json> = { 1: v1ToV2, 2: v2ToV3, 3: v3ToV4 };

/** The result in the current schema; throws a RangeError for versions it cannot read. */
export function upgradeResult(parsed: unknown): RunResult {
  let r = parsed as Json;
  const version = r.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > SCHEMA_VERSION) {
    throw new RangeError(`result schema version ${String(version)} is not one this meshbench reads (1 to ${SCHEMA_VERSION})`);
  }
  for (let v: number = version; v < SCHEMA_VERSION; v++) r = upgrades[v]!(r);
  return r as unknown as RunResult;
}
