/**
 * The redline search, as pure rules: given the steps a search has taken and whether each held the
 * objective, the next rate or why the search ends. The run drives it one trial at a time; the
 * results replay it over result.json's trials to say why each search stopped, so both read the
 * same rules. `bench plan` cannot list an adaptive search's trials, so it shows its bounds and budget.
 */
import type { RedlineObjective, ResolvedScenario } from './resolve.ts';

/** Where a redline trial sits in its search: probing up or down for a bracket, or bisecting it. */
export interface RedlineStep {
  /** 1-based within its search. */
  step: number;
  phase: 'up' | 'down' | 'bisect';
  /** Factor between rates while the search looks for a bracket: 2 from `min`, less near a known redline. */
  growth: number;
}

/** What a step said of the objective. The loader's own limit and a failed trial end a search apart. */
export type StepVerdict = 'held' | 'broke';

export interface SearchStep {
  rateRps: number;
  verdict: StepVerdict;
}

/**
 * Why a search ended: `converged` (the bracket is within the tolerance), `budget` (the step budget
 * ran out first), `above-max` (`max` held: the redline is at least that), `below-min` (`min` broke),
 * `loader-limited` (the load generator could not keep up: no mesh figure), `failed` (a step failed).
 */
export const SEARCH_ENDS = ['converged', 'budget', 'above-max', 'below-min', 'loader-limited', 'failed'] as const;
export type SearchEnd = (typeof SEARCH_ENDS)[number];

export type NextStep = { rateRps: number; phase: RedlineStep['phase'] } | { end: SearchEnd };

/** The first search doubles from `min`; a repetition starts near the last redline and grows by this. */
export const FIRST_SEARCH_GROWTH = 2;
export const repeatGrowth = (o: RedlineObjective): number => 1 + 2 * o.tolerance;

/** Where a repetition starts: just under the redline the searches before it found. */
export function repeatStartRps(o: RedlineObjective, previousRedlineRps: number): number {
  return clamp(o, Math.round(previousRedlineRps / repeatGrowth(o)));
}

const clamp = (o: RedlineObjective, rps: number) => Math.min(o.maxRps, Math.max(o.minRps, rps));

/** The bracket so far: the highest rate that held below the lowest that broke (noise can invert them). */
export function bracket(steps: readonly SearchStep[]): { heldRps: number | null; brokeRps: number | null } {
  const broke = steps.filter((s) => s.verdict === 'broke').map((s) => s.rateRps);
  const brokeRps = broke.length ? Math.min(...broke) : null;
  const held = steps.filter((s) => s.verdict === 'held' && (brokeRps === null || s.rateRps < brokeRps)).map((s) => s.rateRps);
  return { heldRps: held.length ? Math.max(...held) : null, brokeRps };
}

/** The next step of a search that has taken `steps` (non-empty), growing by `growth` until bracketed. */
export function nextStep(o: RedlineObjective, steps: readonly SearchStep[], growth: number): NextStep {
  const last = steps.at(-1);
  if (!last) throw new RangeError('nextStep needs the first step; the search starts at a rate of its own');
  const { heldRps, brokeRps } = bracket(steps);
  if (heldRps !== null && brokeRps !== null) {
    if (brokeRps <= heldRps * (1 + o.tolerance)) return { end: 'converged' };
    const mid = Math.round((heldRps + brokeRps) / 2);
    if (mid <= heldRps || mid >= brokeRps) return { end: 'converged' };
    return steps.length >= o.maxSteps ? { end: 'budget' } : { rateRps: mid, phase: 'bisect' };
  }
  if (brokeRps === null) {
    // Everything held so far: up, unless the top of the range held.
    if (last.rateRps >= o.maxRps) return { end: 'above-max' };
    return steps.length >= o.maxSteps ? { end: 'budget' } : { rateRps: clamp(o, Math.max(last.rateRps + 1, Math.round(last.rateRps * growth))), phase: 'up' };
  }
  // Everything broke so far: down, unless the bottom of the range broke.
  if (last.rateRps <= o.minRps) return { end: 'below-min' };
  return steps.length >= o.maxSteps ? { end: 'budget' } : { rateRps: clamp(o, Math.min(last.rateRps - 1, Math.round(last.rateRps / growth))), phase: 'down' };
}

/** What `bench plan` shows of a redline scenario: the bounds, the budget and the worst case. */
export interface RedlineBudget {
  objective: RedlineObjective;
  connections: number;
  /** One search per mesh and repetition. */
  searches: number;
  /** Steps the first search needs at most to bracket the range by doubling, then to bisect to the tolerance. */
  firstSearchSteps: number;
  /** The most trials the run can take: every search using its whole budget. */
  maxTrials: number;
}

export function redlineBudget(s: ResolvedScenario): RedlineBudget | null {
  const o = s.load.redline;
  if (!o) return null;
  const doublings = Math.ceil(Math.log2(o.maxRps / o.minRps)) + 1;
  // Bisection halves a bracket of (growth − 1) = 100 % until it is within the tolerance.
  const bisections = Math.ceil(Math.log2(1 / o.tolerance));
  const searches = s.meshes.length * s.repetitions;
  return { objective: o, connections: s.load.connections[0]!, searches, firstSearchSteps: Math.min(o.maxSteps, doublings + bisections), maxTrials: searches * o.maxSteps };
}
