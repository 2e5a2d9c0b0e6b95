/**
 * The trials of a redline run, chosen one at a time from the trials already run: each mesh's
 * search takes its next step by the rules of scenario/redline-plan.ts, replayed over the result
 * (so what the run did and what result.json says of it cannot differ). Meshes take turns, one
 * step each (none, istio, ..., none, ...), so drift on the machine hits every mesh alike; a mesh
 * starts its next repetition as soon as its search ends, just under the redline found so far.
 */
import { redlineSearches } from '../results/redline.ts';
import { medianInterval } from '../results/compare/intervals.ts';
import type { RunResult } from '../results/model.ts';
import { FIRST_SEARCH_GROWTH, nextStep, repeatGrowth, repeatStartRps } from '../scenario/redline-plan.ts';
import { protocolField, redlineLevel, type Trial } from '../scenario/plan.ts';

export interface TrialSchedule {
  /** The next trial to run given the run so far, or null when the run is done. */
  next(result: RunResult): Trial | null;
}

/** A fixed plan: its trials in order. */
export function fixedSchedule(trials: readonly Trial[]): TrialSchedule {
  let i = 0;
  return { next: () => trials[i++] ?? null };
}

export function redlineSchedule(meshes: readonly string[]): TrialSchedule {
  let turn = 0;
  return {
    next(result) {
      for (let k = 0; k < meshes.length; k++) {
        const mesh = meshes[(turn + k) % meshes.length]!;
        const trial = nextTrialOf(result, mesh);
        if (trial) {
          turn = (turn + k + 1) % meshes.length;
          return trial;
        }
      }
      return null;
    },
  };
}

function nextTrialOf(result: RunResult, mesh: string): Trial | null {
  const o = result.scenario.load.redline;
  if (!o) throw new RangeError('redlineSchedule needs a scenario with load.redline');
  const connections = result.scenario.load.connections[0]!;
  const make = (repetition: number, rateRps: number, phase: 'up' | 'down' | 'bisect', step: number, growth: number): Trial => ({
    index: result.trials.length,
    mesh,
    level: redlineLevel(connections, rateRps),
    repetition,
    redline: { step, phase, growth },
    ...protocolField(result.scenario),
  });
  const searches = redlineSearches(result, mesh);
  const last = searches.at(-1);
  if (last?.end === 'unfinished') {
    const growth = result.trials[last.points[0]!.trialIndex]!.trial.redline!.growth;
    if (last.retryRps !== null) {
      const phase = result.trials[last.points.at(-1)!.trialIndex]!.trial.redline!.phase;
      return make(last.repetition, last.retryRps, phase, last.points.length + 1, growth);
    }
    const steps = last.points.flatMap((p) => (p.verdict === 'held' || p.verdict === 'broke' ? [{ rateRps: p.rateRps, verdict: p.verdict }] : []));
    const next = nextStep(o, steps, growth);
    return 'end' in next ? null : make(last.repetition, next.rateRps, next.phase, last.points.length + 1, growth);
  }
  // The load generator's limit is the machine's, not the search's: repeating it would only find it again.
  if (searches.some((s) => s.end === 'loader-limited')) return null;
  const repetition = (last?.repetition ?? 0) + 1;
  if (repetition > result.scenario.repetitions) return null;
  const found = searches.flatMap((s) => (s.redlineRps === null ? [] : [s.redlineRps]));
  if (found.length === 0) return make(repetition, o.minRps, 'up', 1, FIRST_SEARCH_GROWTH);
  return make(repetition, repeatStartRps(o, medianInterval(found).estimate), 'up', 1, repeatGrowth(o));
}
