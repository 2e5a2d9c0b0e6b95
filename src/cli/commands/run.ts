/** `bench run FILE`: plan, deploy, load, record; results on disk after every trial. */
import { randomBytes } from 'node:crypto';
import { relative, resolve } from 'node:path';
import { ExitCode, UsageError } from '../../errors.ts';
import { engineForScenario } from '../../load/index.ts';
import { describeEnvironment } from '../../run/environment.ts';
import { probeHostPauses } from '../../run/host-pauses.ts';
import { loosenedRules, workloadTlsCaveats } from '../../results/conditions.ts';
import { executeRun, type RunOptions } from '../../run/orchestrator.ts';
import { ResultFolder } from '../../run/outputs.ts';
import { platformSetups } from '../../run/platforms.ts';
import type { Platform } from '../../platforms/types.ts';
import { describeNeeds, overSoftCeilings, planNeeds } from '../../scenario/needs.ts';
import { estimatePlanMs, expandPlan, plannedTrialCount } from '../../scenario/plan.ts';
import { protocolOf, scenarioHash } from '../../scenario/resolve.ts';
import type { Protocol } from '../../workload/protocol.ts';
import { booleanFlag, stringFlag, type Command, type Flags } from '../command.ts';
import type { CliIO } from '../io.ts';
import { COMPARE_OPTIONS, COST_OPTIONS, JSON_OPTION, KUBE_OPTIONS, OUTPUT_OPTION } from '../options.ts';
import { renderJson, runJson } from '../../report/json.ts';
import { progressFor } from '../progress-display.ts';
import { assertRunnable } from '../scenario-input.ts';
import { loadRunScenario, QUICK_SCENARIO_FILE, RUN_OVERRIDE_OPTIONS } from '../run-overrides.ts';
import { overridesLine } from '../../report/overrides.ts';
import { meshbenchVersion } from '../version.ts';
import { checkCompareFlags, confidenceLevel, inconclusivePolicy } from './compare.ts';
import { finish } from './run-finish.ts';
import { renderPlan } from './plan.ts';
import { costAssumptions } from './report.ts';

export const runCommand: Command = {
  name: 'run',
  summary: 'run every trial; writes results/<UTC time>-<name>/ (result.json and every report)',
  usage: '[SCENARIO]',
  args: { min: 0, max: 1, example: 'bench run scenarios/http-basic.yaml, or bench run --url http://127.0.0.1:8080/ --rate 1000 --duration 30s' },
  options: [
    { name: 'dry-run', type: 'boolean', description: 'plan only: print the trials and the estimated duration, start nothing' },
    { name: 'i-mean-it', type: 'boolean', description: "run a plan above meshbench's soft ceilings (over 24 h, 1000 trials, 2000 connections or 100000 rps; see docs/reliability.md)" },
    OUTPUT_OPTION("write the results folder under DIR instead of the scenario's `output`"),
    { name: 'baseline', type: 'string', value: 'PATH', description: 'compare with PATH at the end (a result.json, or a folder of past results); writes compare.md and compare.junit.xml' },
    ...COMPARE_OPTIONS,
    ...COST_OPTIONS,
    ...KUBE_OPTIONS,
    ...RUN_OVERRIDE_OPTIONS,
    JSON_OPTION,
  ],
  async run({ args, flags, io }) {
    const json = booleanFlag(flags, 'json');
    if (json && booleanFlag(flags, 'dry-run')) throw new UsageError({ what: '--json and --dry-run together', fix: '`bench plan SCENARIO --json` prints the plan as JSON' });
    // With --json every line for people goes to stderr; stdout gets the one document at the end.
    const human = json ? { ...io, stdout: io.stderr } : io;
    const composed = await compose(args[0], flags, human);
    if (!composed) return ExitCode.ok;
    const result = await executeRun(composed.options);
    const { code, summary } = await finish(result, composed.folder, flags, human);
    if (json) io.stdout.write(renderJson(runJson(result, summary, composed.folder.path, code)));
    return code;
  },
};

interface Composed {
  options: RunOptions;
  folder: ResultFolder;
}

/** Everything a run needs, checked before anything starts; null for a dry run. */
async function compose(file: string | undefined, flags: Flags, io: CliIO): Promise<Composed | null> {
  const loaded = await loadRunScenario(file, flags, io.cwd);
  assertRunnable(loaded);
  const { scenario } = loaded;
  const baseline = stringFlag(flags, 'baseline');
  // A typo in a gate, a cost flag or a missing baseline must fail now, not after the run.
  if (baseline) await checkCompareFlags(resolve(io.cwd, baseline), flags);
  confidenceLevel(stringFlag(flags, 'confidence'));
  inconclusivePolicy(stringFlag(flags, 'inconclusive'));
  costAssumptions(flags);
  const trials = expandPlan(scenario);
  const needs = planNeeds(scenario, trials);
  if (booleanFlag(flags, 'dry-run')) {
    io.stdout.write(`${renderPlan(scenario)}\n`);
    return null;
  }
  // A typo (`repetitions: 1000`, `rate: 100000`) must not hold a CI machine for days.
  const over = overSoftCeilings(needs);
  if (over.length && !booleanFlag(flags, 'i-mean-it')) {
    throw new UsageError({
      what: `the plan goes over meshbench's soft ceilings: ${over.join('; ')}`,
      where: loaded.parsed.file,
      fix: `check the scenario for a typo (\`bench plan ${loaded.parsed.file}\` shows the trials); to run it all the same, add --i-mean-it`,
    });
  }

  const startedAt = new Date();
  const runId = `${startedAt.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  // Filled by the platform's set-up and its collectors during the run; the environment holds this same array.
  const caveats: string[] = [];
  caveats.push(...loosenedRules(scenario), ...workloadTlsCaveats(scenario));
  const { platform, collectors } = await platformSetups[scenario.platform](scenario, runId, {
    access: { kubeconfig: stringFlag(flags, 'kubeconfig'), context: stringFlag(flags, 'context') },
    env: io.env,
    signal: io.signal,
    warn: (m) => io.stderr.write(`warning: ${m}\n`),
    caveats,
  });
  const folder = await ResultFolder.create(resolve(io.cwd, stringFlag(flags, 'output') ?? scenario.output), startedAt, scenario.name).catch(async (error: unknown) => {
    await platform.close();
    throw error;
  });
  const overrides = loaded.overrides.map((o) => ({ flag: o.flag, path: o.path.join('.'), value: o.value }));
  const layout = `Layout: ${platform.layout}${platform.layoutReason ? ` (${platform.layoutReason})` : ''}`;
  io.stdout.write(`${describeNeeds(planNeeds(scenario, trials, platform.layout))}\n${layout}\n${overrides.length ? `${overridesLine(overrides)}\n` : ''}Results: ${shownPath(io, folder)}/\n`);
  const path = file === undefined ? QUICK_SCENARIO_FILE : resolve(io.cwd, file);
  return {
    folder,
    options: {
      runId,
      meshbenchVersion: meshbenchVersion(),
      startedAt,
      scenarioFile: file === undefined ? QUICK_SCENARIO_FILE : relative(io.cwd, path) || path,
      scenarioHash: scenarioHash(scenario),
      scenario,
      trials,
      plannedTrials: plannedTrialCount(scenario, trials),
      estimatedMs: estimatePlanMs(scenario, trials, platform.layout),
      environment: liveEnvironment(platform, caveats, protocolOf(scenario)),
      platform,
      engine: engineForScenario(scenario.load, scenario.workload),
      collectors,
      progress: progressFor(io.stderr, io.env, scenario.load),
      // Kubernetes loaders run on the cluster's nodes: this machine's pauses say nothing of them.
      ...(scenario.platform !== 'kubernetes' && scenario.load.mode === 'rate' && { probeHost: (signal: AbortSignal, durationMs?: number) => probeHostPauses({ signal, ...(durationMs && { durationMs }) }) }),
      persist: (r) => folder.persist(r),
      signal: io.signal,
      overrides,
      ...(platform.layoutReason ? { layoutReason: platform.layoutReason } : {}),
    },
  };
}

/**
 * The environment as the result records it after every trial: a platform learns some versions
 * from the trials' own pods (Kubernetes: proxy images, native sidecars), and its collectors add
 * caveats as they find them, so both are read when the result is written, not only now.
 */
function liveEnvironment(platform: Platform, caveats: string[], protocol: Protocol): RunOptions['environment'] {
  const environment = { ...describeEnvironment(platform.name, platform.layout, platform.components), caveats, protocol };
  return Object.defineProperty(environment, 'components', { enumerable: true, get: () => ({ ...platform.components }) });
}

const shownPath = (io: CliIO, folder: ResultFolder) => relative(io.cwd, folder.path) || folder.path;


