/**
 * The in-cluster load run, apart from the process it runs in (cluster-entry.ts) so tests can
 * drive it: settings from a mounted JSON file and the environment, one engine run, the result
 * line. Settings (the JSON file at MESHBENCH_LOAD_SETTINGS, default /etc/meshbench/load.json):
 *
 *   { "mode": "rate" | "max", "target": "http://...", "rateRps": 1000, "connections": 4,
 *     "warmupMs": 5000, "durationMs": 30000, "timeoutMs": 10000, "jitter": 0,
 *     "lagLimitUs": 1000, "startEpochMs": 1767225600000, "pods": 3, "quitUrl": "http://...",
 *     "liveCounts": true, "trust": { "caPem": "-----BEGIN CERTIFICATE-----...", "serverName": "..." } }
 *
 * The environment overrides: MESHBENCH_TARGET, MESHBENCH_START_EPOCH_MS, MESHBENCH_PODS, and the
 * pod's index from JOB_COMPLETION_INDEX (set by Kubernetes in an Indexed Job). With `pods` N, pod
 * i runs every N-th slot of the schedule (rate / N) over its share of the connections, from the
 * common `startEpochMs`; a pod that starts too late to connect before it fails rather than skew
 * the window.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isTargetUrl, TARGET_SCHEMES } from '../workload/protocol.ts';
import { BandwidthEngine } from './bandwidth.ts';
import { ClosedLoopEngine } from './closed-loop.ts';
import { epochNowMs } from './http1.ts';
import { encodeLiveLine, type LiveLoad } from './live.ts';
import { OpenLoopEngine } from './open-loop-engine.ts';
import type { PacingKind } from './pacer.ts';
import type { LoaderSettings } from '../loader-settings.ts';
import { encodeResultLine } from './result-line.ts';
import type { LoadEngine, LoadPhase } from './types.ts';

const PACINGS: readonly string[] = ['writer', 'sleep', 'adaptive', 'spin', 'thread'] satisfies PacingKind[];

export const DEFAULT_SETTINGS_PATH = '/etc/meshbench/load.json';
/** A pod must be running this long before the common start, to connect and start its pacing thread. */
export const MIN_START_LEAD_MS = 200;

export function readSettings(env: NodeJS.ProcessEnv): LoaderSettings {
  const path = env.MESHBENCH_LOAD_SETTINGS ?? DEFAULT_SETTINGS_PATH;
  let fromFile: Partial<LoaderSettings>;
  try {
    fromFile = JSON.parse(readFileSync(path, 'utf8')) as Partial<LoaderSettings>;
  } catch (e) {
    throw new Error(`cannot read the load settings ${path}: ${(e as Error).message}`);
  }
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
  const s = {
    ...fromFile,
    target: env.MESHBENCH_TARGET ?? fromFile.target,
    startEpochMs: num(env.MESHBENCH_START_EPOCH_MS) ?? fromFile.startEpochMs,
    pods: num(env.MESHBENCH_PODS) ?? fromFile.pods ?? 1,
    podIndex: num(env.JOB_COMPLETION_INDEX) ?? fromFile.podIndex ?? 0,
    quitUrl: env.MESHBENCH_QUIT_URL ?? fromFile.quitUrl,
  } as LoaderSettings;
  const problems: string[] = [];
  if (s.mode !== 'rate' && s.mode !== 'max' && s.mode !== 'bandwidth') problems.push(`mode must be "rate", "max" or "bandwidth", not ${JSON.stringify(s.mode)}`);
  if (s.mode === 'bandwidth' && typeof s.target === 'string' && !s.target.startsWith('tcp:')) problems.push(`mode "bandwidth" streams raw TCP: the target must be a tcp:// URL, not ${JSON.stringify(s.target)}`);
  if (!isTargetUrl(s.target)) problems.push(`target must be a URL of one of ${TARGET_SCHEMES}, not ${JSON.stringify(s.target)}`);
  if (s.trust !== undefined && !(typeof s.trust.caPem === 'string' && s.trust.caPem.includes('BEGIN CERTIFICATE') && typeof s.trust.serverName === 'string' && s.trust.serverName !== '')) problems.push('trust must be { "caPem": "-----BEGIN CERTIFICATE-----...", "serverName": "..." }');
  if (s.streamsPerConnection !== undefined && !(Number.isInteger(s.streamsPerConnection) && s.streamsPerConnection >= 1)) problems.push(`streamsPerConnection must be a whole number from 1, not ${JSON.stringify(s.streamsPerConnection)}`);
  if (typeof s.target === 'string' && s.target.startsWith('tcp:') && !(Number(s.messageBytes) >= 1)) problems.push(`a tcp:// target needs messageBytes (the request's size) of 1 or more, not ${JSON.stringify(s.messageBytes)}`);
  if (s.mode === 'rate' && !(Number(s.rateRps) > 0)) problems.push('rateRps must be a positive number in mode "rate"');
  for (const k of ['connections', 'durationMs', 'timeoutMs'] as const) if (!(Number(s[k]) > 0)) problems.push(`${k} must be a positive number`);
  if (!(Number(s.warmupMs) >= 0)) problems.push('warmupMs must be 0 or more');
  if (!(Number.isInteger(s.pods) && s.pods! >= 1 && Number.isInteger(s.podIndex) && s.podIndex! >= 0 && s.podIndex! < s.pods!)) problems.push(`pod ${s.podIndex} of ${s.pods} is not a valid share`);
  if (s.pods! > s.connections) problems.push(`${s.pods} pods need at least as many connections, not ${s.connections}`);
  if (s.workers !== undefined && !(Number.isInteger(s.workers) && s.workers >= 1)) problems.push(`workers must be a whole number from 1, not ${JSON.stringify(s.workers)}`);
  // Worker threads run open-loop-worker.ts from beside this module; the one-file bundle has none.
  if ((s.workers ?? 1) > 1 && !existsSync(fileURLToPath(new URL('./open-loop-worker.ts', import.meta.url)))) problems.push(`workers: ${s.workers} needs the unbundled engine; the bundled loader runs one worker per pod: use more pods`);
  if (s.pacing !== undefined && !PACINGS.includes(s.pacing)) problems.push(`pacing must be one of ${PACINGS.join(', ')}, not ${JSON.stringify(s.pacing)}`);
  if (s.liveCounts !== undefined && typeof s.liveCounts !== 'boolean') problems.push(`liveCounts must be true or false, not ${JSON.stringify(s.liveCounts)}`);
  if (problems.length) throw new Error(`invalid load settings (${path} and environment): ${problems.join('; ')}`);
  return s;
}

/** Runs the load; returns the result line. `log` gets progress lines (the entry sends them to stderr). */
export async function runClusterLoad(s: LoaderSettings, signal: AbortSignal, log: (line: string) => void): Promise<string> {
  const pods = s.pods ?? 1;
  const index = s.podIndex ?? 0;
  const connections = Math.floor(s.connections / pods) + (index < s.connections % pods ? 1 : 0);
  if (s.startEpochMs !== undefined) {
    const leadMs = s.startEpochMs - epochNowMs();
    if (leadMs < MIN_START_LEAD_MS) throw new Error(`pod ${index} started ${Math.round(MIN_START_LEAD_MS - leadMs)} ms too late for the common start at ${new Date(s.startEpochMs).toISOString()}: its window would not match the others'`);
  }
  let engine: LoadEngine;
  if (s.mode === 'rate') engine = new OpenLoopEngine({ workers: s.workers, jitter: s.jitter, lagLimitUs: s.lagLimitUs, pacing: s.pacing, share: { index, count: pods }, startEpochMs: s.startEpochMs, streamsPerConnection: s.streamsPerConnection, messageBytes: s.messageBytes });
  else if (s.mode === 'bandwidth') {
    if (s.startEpochMs !== undefined) await new Promise((resolve) => setTimeout(resolve, s.startEpochMs! - epochNowMs()));
    engine = new BandwidthEngine();
  } else {
    // A closed loop has no schedule to share; each pod drives its own connections flat out.
    if (s.startEpochMs !== undefined) await new Promise((resolve) => setTimeout(resolve, s.startEpochMs! - epochNowMs()));
    engine = new ClosedLoopEngine({ streamsPerConnection: s.streamsPerConnection, messageBytes: s.messageBytes });
  }
  let windowStart = NaN;
  let windowEnd = NaN;
  const onPhase = (phase: LoadPhase) => {
    if (phase === 'measure') windowStart = epochNowMs();
    if (phase === 'drain') windowEnd = epochNowMs();
    log(`meshbench load pod ${index}/${pods}: ${phase} at ${new Date().toISOString()}`);
  };
  const spec = { connections, targetRps: s.mode === 'rate' ? s.rateRps! : null, warmupMs: s.warmupMs, durationMs: s.durationMs, timeoutMs: s.timeoutMs, ...(s.trust && { trust: s.trust }) };
  const onLive = s.liveCounts ? (live: LiveLoad) => log(encodeLiveLine({ index, count: pods }, live)) : undefined;
  const outcome = await engine.run(spec, new URL(s.target), signal, onPhase, onLive);
  if (outcome.bandwidth) log(`meshbench load pod ${index}/${pods}: done, ${outcome.bandwidth.sentBytes} bytes written in the window, ${outcome.bandwidth.receivedBytes ?? 'unknown'} read by the sink`);
  else log(`meshbench load pod ${index}/${pods}: done, ${outcome.ok.totalCount} 2xx of ${outcome.scheduledRequests} requests, ${outcome.achievedRps.toFixed(1)} rps`);
  return encodeResultLine(outcome, { index, count: pods }, { startEpochMs: windowStart, endEpochMs: windowEnd });
}

/** Asks the mesh's sidecar to quit so the Job can complete; a failure is logged, not fatal. */
export async function quitSidecar(quitUrl: string | undefined, log: (line: string) => void): Promise<void> {
  if (!quitUrl) return;
  try {
    const res = await fetch(quitUrl, { method: 'POST', signal: AbortSignal.timeout(5_000) });
    log(`meshbench load: asked the sidecar to quit (${quitUrl}): HTTP ${res.status}`);
  } catch (e) {
    log(`meshbench load: could not ask the sidecar to quit (${quitUrl}): ${(e as Error).message}`);
  }
}
