import { ExitCode } from '../../errors.ts';
import { meshAdapter } from '../../meshes/index.ts';
import { formatDurationMs } from '../../scenario/duration.ts';
import { describeNeeds, planNeeds } from '../../scenario/needs.ts';
import { estimatePlanMs, estimateTrialMs, expandPlan } from '../../scenario/plan.ts';
import type { ResolvedScenario } from '../../scenario/resolve.ts';
import { textTable } from '../../report/format.ts';
import type { Command } from '../command.ts';
import { renderRedlinePlan } from '../redline-plan.ts';
import { assertRunnable, loadScenario } from '../scenario-input.ts';

/** The plan as `bench plan` and `bench run --dry-run` print it: what it needs first, then the trials. */
export function renderPlan(scenario: ResolvedScenario): string {
  const redline = renderRedlinePlan(scenario);
  if (redline) return redline;
  const trials = expandPlan(scenario);
  const rows = trials.map((t) => [String(t.index + 1), t.mesh, t.level.id, String(t.level.connections), t.level.targetRps === null ? 'max' : String(t.level.targetRps), String(t.repetition)]);
  const l = scenario.load;
  return [
    describeNeeds(planNeeds(scenario, trials)),
    `Scenario "${scenario.name}" on platform ${scenario.platform}${scenario.target ? ` (target ${scenario.target})` : ''}: ${trials.length} trials`,
    `  meshes: ${scenario.meshes.map((m) => meshAdapter(scenario, m).displayName).join(', ')}; ${scenario.repetitions} repetition(s), interleaved`,
    `  load: mode ${l.mode}, warmup ${formatDurationMs(l.warmupMs)} + measured ${formatDurationMs(l.durationMs)} per trial`,
    '',
    textTable(['#', 'mesh', 'level', 'connections', 'rate', 'rep'], rows, 0),
    '',
    `Estimated duration: ${formatDurationMs(estimatePlanMs(scenario, trials))} (${formatDurationMs(estimateTrialMs(scenario))} per trial, including deploy and teardown)`,
  ].join('\n');
}

/** `bench plan FILE` / `bench run --dry-run FILE`: the trials in run order and how long they take. */
export const planCommand: Command = {
  name: 'plan',
  summary: 'print the trials in run order and the estimated duration; starts nothing',
  usage: 'SCENARIO',
  args: { min: 1, max: 1, example: 'bench plan scenarios/http-basic.yaml' },
  options: [],
  async run({ args, io }) {
    const loaded = await loadScenario(args[0]!, io.cwd);
    assertRunnable(loaded);
    io.stdout.write(`${renderPlan(loaded.scenario)}\n`);
    return ExitCode.ok;
  },
};
