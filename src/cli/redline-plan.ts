/**
 * `bench plan` of a redline scenario. Its steps depend on what the steps before them measured, so
 * there is no list of trials to print: the plan shows the objective, the search's bounds, how the
 * rate moves, and the budget that bounds the run's length.
 */
import { meshAdapter } from '../meshes/index.ts';
import { formatDurationMs } from '../scenario/duration.ts';
import { describeNeeds, planNeeds } from '../scenario/needs.ts';
import { estimatePlanMs, estimateTrialMs } from '../scenario/plan.ts';
import { redlineBudget, repeatGrowth } from '../scenario/redline-plan.ts';
import type { ResolvedScenario } from '../scenario/resolve.ts';

export function renderRedlinePlan(s: ResolvedScenario): string | null {
  const b = redlineBudget(s);
  if (!b) return null;
  const o = b.objective;
  const pct = (f: number) => `${+(f * 100).toFixed(3)}%`;
  return [
    describeNeeds(planNeeds(s, [])),
    `Scenario "${s.name}" on platform ${s.platform}${s.target ? ` (target ${s.target})` : ''}: a redline search, up to ${b.maxTrials} trials`,
    `  meshes: ${s.meshes.map((m) => meshAdapter(s, m).displayName).join(', ')}; ${s.repetitions} search(es) per mesh, meshes taking turns step by step`,
    `  objective: P99 of 2xx at most ${formatDurationMs(o.p99Us / 1000)}, failed requests at most ${pct(o.errorFraction)}, the rate delivered`,
    `  each step: open loop at the step's rate over ${b.connections} connection(s), warmup ${formatDurationMs(s.load.warmupMs)} + measured ${formatDurationMs(s.load.durationMs)}`,
    `  search 1: from ${o.minRps} rps doubling up to ${o.maxRps} rps until a step breaks, then bisection until within ${pct(o.tolerance)} (about ${b.firstSearchSteps} steps)`,
    `  searches 2..${s.repetitions}: from just under the redline found so far, growing by ×${repeatGrowth(o).toFixed(2)} until bracketed, then bisection`,
    `  budget: ${o.maxSteps} steps per search × ${b.searches} searches = at most ${b.maxTrials} trials; a step the load generator cannot keep up with ends its mesh's search`,
    '',
    `Estimated duration: at most ${formatDurationMs(estimatePlanMs(s, []))} (${formatDurationMs(estimateTrialMs(s))} per step, including deploy and teardown); usually far less`,
  ].join('\n');
}
