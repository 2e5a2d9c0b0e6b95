import { ExitCode } from '../../errors.ts';
import { meshAdapter } from '../../meshes/index.ts';
import { formatDurationMs } from '../../scenario/duration.ts';
import { describeNeeds, planNeeds } from '../../scenario/needs.ts';
import { estimatePlanMs, estimateTrialMs, expandPlan, type EstimateLayout } from '../../scenario/plan.ts';
import type { ResolvedScenario } from '../../scenario/resolve.ts';
import { textTable } from '../../report/format.ts';
import { booleanFlag, stringFlag, type Command } from '../command.ts';
import { JSON_OPTION, KUBE_OPTIONS } from '../options.ts';
import type { PrerequisiteReport } from '../../run/prerequisites.ts';
import { planJson, renderJson } from '../../report/json.ts';
import { renderRedlinePlan } from '../redline-plan.ts';
import { assertRunnable, loadScenario } from '../scenario-input.ts';

/** The plan as `bench plan` and `bench run --dry-run` print it: what it needs first, then the trials. */
export function renderPlan(scenario: ResolvedScenario, layout?: EstimateLayout): string {
  const redline = renderRedlinePlan(scenario);
  if (redline) return redline;
  const trials = expandPlan(scenario);
  const rows = trials.map((t) => [String(t.index + 1), t.mesh, t.level.id, String(t.level.connections), t.level.targetRps === null ? 'max' : String(t.level.targetRps), String(t.repetition)]);
  const l = scenario.load;
  return [
    describeNeeds(planNeeds(scenario, trials, layout)),
    `Scenario "${scenario.name}" on platform ${scenario.platform}${scenario.target ? ` (target ${scenario.target})` : ''}: ${trials.length} trials`,
    `  meshes: ${scenario.meshes.map((m) => meshAdapter(scenario, m).displayName).join(', ')}; ${scenario.repetitions} repetition(s), interleaved`,
    `  load: mode ${l.mode}, warmup ${formatDurationMs(l.warmupMs)} + measured ${formatDurationMs(l.durationMs)} per trial`,
    '',
    textTable(['#', 'mesh', 'level', 'connections', 'rate', 'rep'], rows, 0),
    '',
    `Estimated duration: ${formatDurationMs(estimatePlanMs(scenario, trials, layout))} (${formatDurationMs(estimateTrialMs(scenario, layout))} per trial, including deploy, the load's lead-in and teardown${layout ? ` in the ${layout} layout` : ''})`,
  ].join('\n');
}

/** `bench plan FILE` / `bench run --dry-run FILE`: the trials in run order and how long they take. */
export const planCommand: Command = {
  name: 'plan',
  summary: 'print the trials in run order, the estimated duration, and what the run will need here (checked now); starts no trial',
  usage: 'SCENARIO',
  args: { min: 1, max: 1, example: 'bench plan scenarios/http-basic.yaml' },
  options: [JSON_OPTION, ...KUBE_OPTIONS],
  async run({ args, flags, io }) {
    const loaded = await loadScenario(args[0]!, io.cwd);
    assertRunnable(loaded);
    const { checkPrerequisites } = await import('../../run/prerequisites.ts');
    const found = await checkPrerequisites(loaded.scenario, { access: { kubeconfig: stringFlag(flags, 'kubeconfig'), context: stringFlag(flags, 'context') }, env: io.env, signal: io.signal });
    io.stdout.write(booleanFlag(flags, 'json') ? renderJson(planJson(loaded.scenario, args[0]!, found)) : `${renderPlan(loaded.scenario, found.layout?.name)}\n\n${renderPrerequisites(found)}\n`);
    // What `bench run` would refuse (exit 2, nothing ran) is refused here too, so a CI job can plan first.
    return found.checks.every((c) => c.ok) ? ExitCode.ok : ExitCode.usage;
  },
};

/** "Layout: netns (...)" and each prerequisite with ✓ or ✗ and, when missing, how to get it. */
export function renderPrerequisites(found: PrerequisiteReport): string {
  const lines = [found.layout ? `Layout: ${found.layout.name} (${found.layout.reason})` : 'Layout: none can be had here (see below)', 'Prerequisites, checked now:'];
  for (const c of found.checks) {
    lines.push(`  ${c.ok ? '✓' : '✗'} ${c.what}: ${c.detail}`);
    if (!c.ok && c.fix) lines.push(`      fix: ${c.fix}`);
  }
  const missing = found.checks.filter((c) => !c.ok).length;
  lines.push(missing ? `${missing} prerequisite(s) missing: \`bench run\` would stop before its first trial (exit 2).` : 'Everything the run needs is here.');
  return lines.join('\n');
}
