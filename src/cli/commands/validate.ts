import { ExitCode, ScenarioError } from '../../errors.ts';
import { expandPlan, plannedTrialCount } from '../../scenario/plan.ts';
import { formatError, formatIssue } from '../errors-display.ts';
import type { Command } from '../command.ts';
import type { CliIO } from '../io.ts';
import { loadScenario, notYetRunnable } from '../scenario-input.ts';

/** `bench validate FILE...`: every problem of every file, with location and hint. */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'check scenario files; every problem with file:line:column and a hint',
  usage: 'SCENARIO...',
  args: { min: 1, max: Infinity, example: 'bench validate scenarios/*.yaml' },
  options: [],
  run: ({ args, io, debug }) => validate(args, io, debug),
};

async function validate(files: readonly string[], io: CliIO, debug: boolean): Promise<number> {
  let exit: number = ExitCode.ok;
  for (const file of files) {
    try {
      const loaded = await loadScenario(file, io.cwd);
      const notYet = notYetRunnable(loaded);
      const trials = plannedTrialCount(loaded.scenario, expandPlan(loaded.scenario));
      io.stdout.write(`${file}: valid (${loaded.scenario.load.redline ? `a redline search of at most ${trials}` : trials} trials)\n`);
      for (const issue of notYet) io.stdout.write(formatIssue({ ...issue, what: `note: ${issue.what}` }).replace(': error: ', ': '));
    } catch (error) {
      if (!(error instanceof ScenarioError) && !(error instanceof Error && 'exitCode' in error)) throw error;
      io.stderr.write(formatError(error, debug));
      exit = ExitCode.usage;
    }
  }
  return exit;
}
