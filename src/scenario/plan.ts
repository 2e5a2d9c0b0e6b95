/**
 * Pure planning: scenario in, trials out. Repetitions are the outer loop and meshes the inner one,
 * so the order is none, istio, appmesh, none, istio, ... and drift on the machine hits every mesh
 * alike (DESIGN.md "Measurement rules").
 */
import type { ResolvedScenario } from './resolve.ts';

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
}

export function loadLevels(s: ResolvedScenario): LoadLevel[] {
  const rates: (number | null)[] = s.load.ratesRps ?? [null];
  return s.load.connections.flatMap((connections) =>
    rates.map((targetRps) => ({
      id: targetRps === null ? `c${connections}` : `c${connections}-r${targetRps}`,
      connections,
      targetRps,
    })),
  );
}

export function expandPlan(s: ResolvedScenario): Trial[] {
  const trials: Trial[] = [];
  const levels = loadLevels(s);
  for (let repetition = 1; repetition <= s.repetitions; repetition++) {
    for (const level of levels) {
      for (const mesh of s.meshes) {
        trials.push({ index: trials.length, mesh, level, repetition });
      }
    }
  }
  return trials;
}

/** What one trial costs besides load: starting processes, health checks, teardown. */
export const TRIAL_OVERHEAD_ESTIMATE_MS = 1_500;

/**
 * Kubernetes: a trial's pods becoming ready (images present) and its namespace going, as measured
 * on the test tier's real nodes (docs/kubernetes.md); a cluster pulling images takes longer.
 */
export const KUBERNETES_READY_ESTIMATE_MS = 10_000;
export const KUBERNETES_TEARDOWN_ESTIMATE_MS = 10_000;

export function estimateTrialMs(s: ResolvedScenario): number {
  const load = s.load.warmupMs + s.load.durationMs;
  if (s.platform !== 'kubernetes') return load + TRIAL_OVERHEAD_ESTIMATE_MS;
  // The load Job's start lead, its drain (one timeout) and the readiness and teardown around it.
  return load + s.kubernetes.loaderStartLeadMs + s.load.timeoutMs + KUBERNETES_READY_ESTIMATE_MS + KUBERNETES_TEARDOWN_ESTIMATE_MS;
}

export function estimatePlanMs(s: ResolvedScenario, trials: readonly Trial[]): number {
  return trials.length * estimateTrialMs(s);
}
