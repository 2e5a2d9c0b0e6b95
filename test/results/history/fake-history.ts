/** Histories of fake runs for the history tests: one run a night, figures chosen per night. */
import type { RunResult } from '../../../src/results/model.ts';
import { constant, fakeRun } from '../../fakes/results.ts';
import { seededRandom } from '../../../src/random.ts';

/** Standard normal draws from a seeded uniform source (Box-Muller). */
export function normal(seed: number): () => number {
  const next = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

export const night = (i: number) => new Date(Date.UTC(2026, 10, 1) + i * 86_400_000).toISOString();

/**
 * `nights` runs of none + istio (3 repetitions each); istio's latency on night i is
 * none's + istioAddedUs(i), and `environment(i)` may change the recorded environment.
 */
export function fakeHistory(nights: number, istioAddedUs: (i: number) => number, o: { environment?: (i: number) => Partial<RunResult['environment']>; gate?: (i: number) => unknown } = {}): RunResult[] {
  return Array.from({ length: nights }, (_, i) => {
    const run = fakeRun((mesh) => ({ latenciesUs: constant(mesh === 'none' ? 500 : 500 + istioAddedUs(i)), achievedRps: 1000 }), { meshes: ['none', 'istio'] });
    return {
      ...run,
      runId: `run-${String(i + 1).padStart(2, '0')}`,
      startedAt: night(i),
      environment: { ...run.environment, ...o.environment?.(i) },
      gate: (o.gate?.(i) ?? null) as RunResult['gate'],
    };
  });
}
