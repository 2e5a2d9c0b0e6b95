/** `bench run FILE`: plan, deploy, load, record; results on disk after every trial. */
import { randomBytes } from 'node:crypto';
import { relative, resolve } from 'node:path';
import { ExitCode, UsageError } from '../../errors.ts';
import { engineForScenario } from '../../load/index.ts';
import { describeEnvironment } from '../../run/environment.ts';
import { executeRun, type RunOptions } from '../../run/orchestrator.ts';
import { ResultFolder } from '../../run/outputs.ts';
import { platformSetups } from '../../run/platforms.ts';
import type { Platform } from '../../platforms/types.ts';
import { describeNeeds, overSoftCeilings, planNeeds } from '../../scenario/needs.ts';
import { estimatePlanMs, expandPlan, plannedTrialCount } from '../../scenario/plan.ts';
import { scenarioHash } from '../../scenario/resolve.ts';
import { booleanFlag, stringFlag, type Command, type Flags } from '../command.ts';
import type { CliIO } from '../io.ts';
import { COMPARE_OPTIONS, COST_OPTIONS, KUBE_OPTIONS, OUTPUT_OPTION } from '../options.ts';
import { progressFor } from '../progress-display.ts';
import { assertRunnable, loadScenario } from '../scenario-input.ts';
import { meshbenchVersion } from '../version.ts';
import { checkCompareFlags, confidenceLevel, inconclusivePolicy } from './compare.ts';
import { finish } from './run-finish.ts';
import { renderPlan } from './plan.ts';
import { costAssumptions } from './report.ts';

export const runCommand: Command = {
  name: 'run',
  summary: 'run every trial; writes results/<UTC time>-<name>/ (result.json and every report)',
  usage: 'SCENARIO',
  args: { min: 1, max: 1, example: 'bench run scenarios/http-basic.yaml' },
  options: [
    { name: 'dry-run', type: 'boolean', description: 'plan only: print the trials and the estimated duration, start nothing' },
    { name: 'i-mean-it', type: 'boolean', description: "run a plan above meshbench's soft ceilings (over 24 h, 1000 trials, 2000 connections or 100000 rps; see docs/reliability.md)" },
    OUTPUT_OPTION("write the results folder under DIR instead of the scenario's `output`"),
    { name: 'baseline', type: 'string', value: 'PATH', description: 'compare with PATH at the end (a result.json, or a folder of past results); writes compare.md and compare.junit.xml' },
    ...COMPARE_OPTIONS,
    ...COST_OPTIONS,
    ...KUBE_OPTIONS,
  ],
  async run({ args, flags, io }) {
    const composed = await compose(args[0]!, flags, io);
    if (!composed) return ExitCode.ok;
    const result = await executeRun(composed.options);
    return finish(result, composed.folder, flags, io);
  },
};

interface Composed {
  options: RunOptions;
  folder: ResultFolder;
}

/** Everything a run needs, checked before anything starts; null for a dry run. */
async function compose(file: string, flags: Flags, io: CliIO): Promise<Composed | null> {
  const loaded = await loadScenario(file, io.cwd);
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
      where: file,
      fix: `check the scenario for a typo (\`bench plan ${file}\` shows the trials); to run it all the same, add --i-mean-it`,
    });
  }

  const startedAt = new Date();
  const runId = `${startedAt.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  // Filled by the platform's set-up and its collectors during the run; the environment holds this same array.
  const caveats: string[] = [];
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
  io.stdout.write(`${describeNeeds(needs)}\nResults: ${shownPath(io, folder)}/\n`);
  const path = resolve(io.cwd, file);
  return {
    folder,
    options: {
      runId,
      meshbenchVersion: meshbenchVersion(),
      startedAt,
      scenarioFile: relative(io.cwd, path) || path,
      scenarioHash: scenarioHash(scenario),
      scenario,
      trials,
      plannedTrials: plannedTrialCount(scenario, trials),
      estimatedMs: estimatePlanMs(scenario, trials),
      environment: liveEnvironment(platform, caveats),
      platform,
      engine: engineForScenario(scenario.load),
      collectors,
      progress: progressFor(io.stderr, io.env),
      persist: (r) => folder.persist(r),
      signal: io.signal,
    },
  };
}

/**
 * The environment as the result records it after every trial: a platform learns some versions
 * from the trials' own pods (Kubernetes: proxy images, native sidecars), and its collectors add
 * caveats as they find them, so both are read when the result is written, not only now.
 */
function liveEnvironment(platform: Platform, caveats: string[]): RunOptions['environment'] {
  const environment = { ...describeEnvironment(platform.name, platform.layout, platform.components), caveats };
  return Object.defineProperty(environment, 'components', { enumerable: true, get: () => ({ ...platform.components }) });
}

const shownPath = (io: CliIO, folder: ResultFolder) => relative(io.cwd, folder.path) || folder.path;


