/**
 * Pure planning: scenario in, trials out. Repetitions are the outer loop and meshes the inner one,
 * so the order is none, istio, appmesh, none, istio, ... and drift on the machine hits every mesh
 * alike (DESIGN.md "Measurement rules").
 */
import { redlineBudget, type RedlineStep } from './redline-plan.ts';
import type { ResolvedScenario } from './resolve.ts';
import type { Protocol } from '../workload/protocol.ts';

export interface LoadLevel {
  /** Stable id of the level inside a run, e.g. `c4` or `c4-r1000`. */
  id: string;
  connections: number;
  /** Open-loop target; null for closed loop (max). */
  targetRps: number | null;
}

export interface Trial {
  /** 0-based position in the run order. */
  index: number;
  /** A built-in mesh or one the scenario defines. */
  mesh: string;
  level: LoadLevel;
  /** 1-based. */
  repetition: number;
  /** Mode `redline`: the step of the search this trial is (its repetition is the search's). */
  redline?: RedlineStep;
  /** What the load spoke, when not HTTP/1.1 (absent: http1, as in files before protocols). */
  protocol?: Exclude<Protocol, 'http1'>;
}

/** The level of one redline step: the same connections, the rate the search chose. */
export function redlineLevel(connections: number, targetRps: number): LoadLevel {
  return { id: `c${connections}-r${targetRps}`, connections, targetRps };
}

/** The trial's `protocol` field: present only when the workload speaks something other than HTTP/1.1. */
export function protocolField(s: Pick<ResolvedScenario, 'workload'>): Pick<Trial, 'protocol'> {
  return s.workload.protocol ? { protocol: s.workload.protocol } : {};
}

export function loadLevels(s: ResolvedScenario): LoadLevel[] {
  // A redline search finds its levels as it runs (the result lists them as they come).
  if (s.load.redline) return [];
  const rates: (number | null)[] = s.load.ratesRps ?? [null];
  return s.load.connections.flatMap((connections) =>
    rates.map((targetRps) => ({
      id: targetRps === null ? `c${connections}` : `c${connections}-r${targetRps}`,
      connections,
      targetRps,
    })),
  );
}

/**
 * The trials known before the run. A redline search is adaptive: each step's rate depends on the
 * last, so it has no fixed list (redline-plan.ts gives its bounds and budget instead).
 */
export function expandPlan(s: ResolvedScenario): Trial[] {
  if (s.load.redline) return [];
  const trials: Trial[] = [];
  const levels = loadLevels(s);
  for (let repetition = 1; repetition <= s.repetitions; repetition++) {
    for (const level of levels) {
      for (const mesh of s.meshes) {
        trials.push({ index: trials.length, mesh, level, repetition, ...protocolField(s) });
      }
    }
  }
  return trials;
}

/**
 * What one trial costs besides its warmup and window, by layout: deploy, health checks, the load's
 * lead-in and drain, teardown. `loopback`: processes on 127.0.0.1. `netns`: namespaces, links and
 * the loader pod; 3.2-3.3 s a trial in the runs of 2026-12-07 13:08-13:14 UTC (busy 2-core VM).
 * `cluster`: what a caller that knows only the layout assumes (15 s); a Kubernetes scenario's own
 * estimate is itemised below (start lead, drain, readiness, teardown): with 1.5 s the estimate was
 * about half the real time of a Kubernetes run (issue 28).
 */
export const TRIAL_OVERHEAD_MS = { loopback: 1_500, netns: 3_500, cluster: 15_000 } as const;
export type EstimateLayout = keyof typeof TRIAL_OVERHEAD_MS;

/** The loopback overhead, the least any platform has. */
export const TRIAL_OVERHEAD_ESTIMATE_MS = TRIAL_OVERHEAD_MS.loopback;

/** The layout a scenario will have when nothing has probed the machine yet: as pinned, else the least. */
export function defaultEstimateLayout(s: ResolvedScenario): EstimateLayout {
  if (s.platform === 'kubernetes') return 'cluster';
  if (s.platform === 'local' && s.local.layout === 'netns') return 'netns';
  return 'loopback';
}

/**
 * Kubernetes: a trial's pods becoming ready (images present) and its namespace going, as measured
 * on the test tier's real nodes (docs/kubernetes.md); a cluster pulling images takes longer.
 */
export const KUBERNETES_READY_ESTIMATE_MS = 10_000;
export const KUBERNETES_TEARDOWN_ESTIMATE_MS = 10_000;

/** `layout`: the one the run will take, when the caller knows it (bench plan's check, the platform). */
export function estimateTrialMs(s: ResolvedScenario, layout: EstimateLayout = defaultEstimateLayout(s)): number {
  const load = s.load.warmupMs + s.load.durationMs;
  if (s.platform !== 'kubernetes') return load + TRIAL_OVERHEAD_MS[layout];
  // The load Job's start lead, its drain (one timeout) and the readiness and teardown around it.
  return load + s.kubernetes.loaderStartLeadMs + s.load.timeoutMs + KUBERNETES_READY_ESTIMATE_MS + KUBERNETES_TEARDOWN_ESTIMATE_MS;
}

/** A redline search has no fixed list: the most trials its budget allows. */
export const plannedTrialCount = (s: ResolvedScenario, trials: readonly Trial[]): number => redlineBudget(s)?.maxTrials ?? trials.length;

/** For a redline search, the longest it can take: every search using its whole step budget. */
export function estimatePlanMs(s: ResolvedScenario, trials: readonly Trial[], layout?: EstimateLayout): number {
  return plannedTrialCount(s, trials) * estimateTrialMs(s, layout);
}
