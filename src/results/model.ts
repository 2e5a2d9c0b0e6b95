/**
 * The RunResult model: what result.json holds. A result repeats the resolved scenario it ran and
 * the environment, and each trial is a union on `status`. A breaking change bumps SCHEMA_VERSION.
 */
import type { LoadLevel, Trial } from '../scenario/plan.ts';
import type { ResolvedScenario } from '../scenario/resolve.ts';
import type { Protocol } from '../workload/protocol.ts';
import type { ResourceUsage } from '../collectors/types.ts';
import type { LatencySummary } from './histogram.ts';
import type { Interval } from './compare/intervals.ts';
import type { MeshRedline } from './redline-types.ts';

export const SCHEMA_VERSION = 4;

/**
 * How pods are laid out: `loopback` (processes on 127.0.0.1), `netns` (pods as network
 * namespaces on one machine, a node-to-node link between them) or `cluster` (real nodes);
 * `unknown` for a result imported from another tool's file, which does not say.
 */
export const LAYOUTS = ['loopback', 'netns', 'cluster', 'unknown'] as const;
export type Layout = (typeof LAYOUTS)[number];

export interface Environment {
  platform: string;
  layout: Layout;
  hostname: string;
  os: string;
  kernel: string;
  cpuModel: string;
  cpuCount: number;
  memoryBytes: number;
  node: string;
  /** What the load spoke (http1, h2c, grpc, tcp, https, h2); absent in files before protocols (http1). */
  protocol?: Protocol;
  /** Versions of what ran: `haproxy`, `kubernetes`, `istiod`, `proxy-image`, `ztunnel`, ... */
  components: Record<string, string>;
  /**
   * What a reader must know to read the figures, said in every output: simulated pods (a kwok
   * cluster), resource figures that are ~15 s averages (metrics.k8s.io), and the like.
   */
  caveats: string[];
  /**
   * How often the machine stopped a running thread (run/host-pauses.ts), probed once at the start
   * of a run whose loader runs on this machine; absent otherwise, and in older files.
   */
  hostPauses?: HostPauses;
}

/** A busy-waiting thread's pauses over a short probe: the machine's own lateness, apart from any loader. */
export interface HostPauses {
  measuredAt: string;
  durationMs: number;
  /** Share of the probe's wall time (%) the thread did not run: the sum of its pauses over 20 µs. */
  pausedPct: number;
  pauses: number;
  pauseP50Us: number;
  pauseP99Us: number;
  pauseMaxUs: number;
  /**
   * Share of the wall time (%) the guest kernel itself kept the thread waiting for a CPU (other
   * processes of this machine); the rest of `pausedPct` is the host's. Null where schedstat is unreadable.
   */
  runQueuePct: number | null;
}

export const ERROR_CLASSES = ['timeout', 'refused', 'reset', 'other'] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export interface LoadFigures {
  mode: ResolvedScenario['load']['mode'];
  engine: string;
  /** Responses and errors counted in the measured window. */
  requests: number;
  responses2xx: number;
  responsesNon2xx: number;
  errors: number;
  errorsByClass: Record<ErrorClass, number>;
  durationMs: number;
  targetRps: number | null;
  /**
   * Completed 2xx responses per second of the measured window: requests intended (open loop) or
   * sent (closed loop) in the window that got a 2xx, wherever in the window or drain they ended.
   * A target that answers 90 % of requests in time shows 10 % below target.
   */
  achievedRps: number;
  /** Requests actually sent per second in the window (open loop: the offered load delivered). */
  sentRps: number | null;
  /** Latencies above the histogram's 60 s ceiling, recorded as 60 s; null when not counted. */
  clampedLatencies: number | null;
  /**
   * Mode `bandwidth`: the bytes each end counted (no requests: the request figures above are 0 and
   * the latency histograms empty, not measured). Absent in other modes and in older files.
   */
  bandwidth?: BandwidthCounts;
}

/**
 * Mode `bandwidth`, as iperf3 counts it: bytes the loader handed to the kernel (its "sender") and
 * bytes the sink read (its "receiver"), each over its own clock's measured window. The figures
 * (bits per second, cores per Gbit/s) are worked out from these in metrics.ts.
 */
export interface BandwidthCounts {
  connections: number;
  /** Bytes the loader's writes handed to the kernel in the measured window. */
  sentBytes: number;
  /** The loader's window as its clock saw it, µs. */
  sentWindowUs: number;
  /** Bytes the sink read in the window, by its own count; null when the sink could not be asked. */
  receivedBytes: number | null;
  /** The sink's interval between its readings at the window's edges, µs; null with `receivedBytes`. */
  receivedWindowUs: number | null;
  /**
   * From the first write to the end, after the loader stopped and waited for the sink to read what
   * was in flight: equal when every byte written arrived. `totalReceivedBytes` is null when the sink
   * could not be asked.
   */
  totalSentBytes: number;
  totalReceivedBytes: number | null;
}

/** HdrHistograms in compressed base64, keyed by what they hold; the unit is µs. */
export interface TrialHistograms {
  /** 2xx responses. */
  latencyUs: string;
  /** Non-2xx responses: kept apart so that fast errors cannot flatter the P99. */
  non2xxLatencyUs: string;
  /** Requests that failed without a response (time to failure). */
  errorLatencyUs: string;
  /** Open loop: 2xx and non-2xx latency from the actual send (uncorrected); null in closed loop. */
  uncorrectedLatencyUs: string | null;
  /** Open loop: actual minus intended dispatch time, the loader's own error; null in closed loop. */
  schedulerLagUs: string | null;
}

/** The five latency histograms of a trial, one name each, whatever holds them (µs). */
export const LATENCY_HISTOGRAMS = ['ok', 'non2xx', 'error', 'uncorrected', 'schedulerLag'] as const;
export type LatencyHistogramName = (typeof LATENCY_HISTOGRAMS)[number];
export type LatencyHistograms<H> = Record<'ok' | 'non2xx' | 'error', H> & Record<'uncorrected' | 'schedulerLag', H | null>;

interface TrialBase {
  trial: Trial;
  mesh: string;
  /** How the mesh was realised, e.g. "istio (local emulation: HAProxy 2.6 sidecars, mTLS, 2 threads)". */
  meshLabel: string;
  startedAt: string;
}

export interface MeasuredTrial extends TrialBase {
  status: 'valid' | 'invalid';
  /** Why the trial is invalid; empty when valid. */
  reasons: string[];
  load: LoadFigures;
  /** Summary of `histograms.latencyUs` (2xx only); derived, the histogram is the data. */
  latency: LatencySummary;
  /**
   * Every attempt, whatever its outcome: 2xx, non-2xx, and failures at their time to failure
   * (timeouts at the timeout). Failed requests cannot hide from this one's P99.
   */
  allAttemptsLatency: LatencySummary;
  /** Wall-clock start of the measured window (after warmup); null when unknown (old files). */
  windowStartedAt: string | null;
  /** Open loop: summary of `histograms.uncorrectedLatencyUs`; null in closed loop. */
  uncorrectedLatency: LatencySummary | null;
  /** Open loop: summary of `histograms.schedulerLagUs`; null in closed loop. */
  schedulerLag: LatencySummary | null;
  /**
   * A short host-pause probe taken right after the trial when its loader fell behind: the run's
   * own probe (environment.hostPauses) is of the machine before the first trial, and load that
   * came later (another job, a build) is only seen here. Absent when the loader kept up.
   */
  hostPauses?: HostPauses;
  /** CPU and memory per watched container over the measured window; empty without a collector. */
  resources: ResourceUsage[];
  histograms: TrialHistograms;
}

export interface FailedTrial extends TrialBase {
  status: 'failed';
  /** The named stage the failure came from. */
  stage: TrialStage;
  error: { what: string; where: string | null; fix: string | null };
}

export interface AbortedTrial extends Omit<TrialBase, 'meshLabel'> {
  status: 'aborted';
  stage: TrialStage;
}

export type TrialResult = MeasuredTrial | FailedTrial | AbortedTrial;

export const TRIAL_STAGES = ['deploy', 'warmup', 'measure', 'drain', 'teardown'] as const;
export type TrialStage = (typeof TRIAL_STAGES)[number];

/**
 * The four states of a verdict (DESIGN.md): `inconclusive` is never a pass, whatever
 * `--inconclusive` makes of the exit code; `no-data` (a side without a usable sample) fails.
 */
export const VERDICTS = ['pass', 'regression', 'inconclusive', 'no-data'] as const;
export type Verdict = (typeof VERDICTS)[number];
/** What a set of verdicts amounts to: the worst of them. */
export type Outcome = Verdict;

/** One gate's verdict at one cell, as recorded in result.json. */
export interface RecordedVerdict {
  /** Against a baseline (`--baseline`, `compare --record`), or between meshes of the run. */
  source: 'baseline' | 'cross-mesh';
  gate: string;
  mesh: string;
  level: string;
  verdict: Verdict;
  /** Of the gated statistic, with the coverage it really has; null without data. */
  interval: Interval | null;
  note: string | null;
}

/** What the gates said of this run, so a regressed run never becomes a rolling baseline. */
export interface GateRecord {
  /** The worst verdict of all the gates judged: regression, no-data, inconclusive or pass. */
  outcome: Outcome;
  /** The baseline the threshold gates were judged against; null when only cross-mesh gates ran. */
  baseline: string | null;
  at: string;
  /** Every verdict, baseline and cross-mesh alike (v3; empty in runs recorded before). */
  verdicts: RecordedVerdict[];
  /** Set by `bench accept`: a person took this run as the new normal (a deliberate change). */
  acceptedAt?: string;
  acceptedReason?: string;
}

/** Measured by meshbench, or converted from another tool's output by `bench import`. */
export type ResultSource = { kind: 'measured' } | { kind: 'imported'; tool: string; files: string[]; lacks: string[] };

export interface RunResult {
  schemaVersion: typeof SCHEMA_VERSION;
  source: ResultSource;
  meshbenchVersion: string;
  runId: string;
  /** running: being written; completed; interrupted: Ctrl-C/SIGTERM; failed: a trial failed. */
  status: 'running' | 'completed' | 'interrupted' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  scenarioFile: string;
  scenarioHash: string;
  scenario: ResolvedScenario;
  environment: Environment;
  levels: LoadLevel[];
  plannedTrials: number;
  trials: TrialResult[];
  /** Null until a gate has judged the run (`bench run --baseline`, `bench compare`, `bench accept`). */
  gate: GateRecord | null;
  /**
   * Values the command line set for this run over the scenario file's (`bench run --rate 500`);
   * `scenario` already holds them. Absent when none was given, and in files written before.
   */
  overrides?: RunOverride[];
  /**
   * Mode `redline`: each mesh's redline, its interval and why its searches stopped (results/redline.ts),
   * rewritten after every trial. Absent in other runs. (schema v3)
   */
  redline?: MeshRedline[];
  /**
   * The layout (as environment.layout) and why it was chosen: "no network namespaces here:
   * iptables is not installed; ...". Absent in files written before.
   */
  layout?: { name: Layout; reason: string };
}

export interface RunOverride {
  /** As typed: `--rate`. */
  flag: string;
  /** Dot path in the scenario: `load.rate`. */
  path: string;
  value: string | number | string[] | number[];
}

export function isMeasured(t: TrialResult): t is MeasuredTrial {
  return t.status === 'valid' || t.status === 'invalid';
}

/** The emulation label a mesh ran under ("istio (local emulation: ...)"), or its name. */
export function meshLabel(result: RunResult, mesh: string): string {
  for (const t of result.trials) if (t.trial.mesh === mesh && t.status !== 'aborted') return t.meshLabel;
  return mesh;
}

/** The valid trials of one mesh at one load level, in run order: what every figure is made of. */
export function validTrials(result: RunResult, mesh: string, levelId: string): MeasuredTrial[] {
  return result.trials.filter((t): t is MeasuredTrial => t.status === 'valid' && t.trial.mesh === mesh && t.trial.level.id === levelId);
}
