import { ExitCode, MeshbenchError, ScenarioError } from '../../errors.ts';
import type { ValidatedFile } from '../../report/json.ts';
import { JSON_OPTION } from '../options.ts';
import { expandPlan, plannedTrialCount } from '../../scenario/plan.ts';
import { formatError, formatIssue } from '../errors-display.ts';
import { booleanFlag, type Command } from '../command.ts';
import type { CliIO } from '../io.ts';
import { loadScenario, notYetRunnable } from '../scenario-input.ts';

/** `bench validate FILE...`: every problem of every file, with location and hint. */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'check scenario files; every problem with file:line:column and a hint',
  usage: 'SCENARIO...',
  args: { min: 1, max: Infinity, example: 'bench validate scenarios/*.yaml' },
  options: [JSON_OPTION],
  run: ({ args, flags, io, debug }) => validate(args, io, debug, booleanFlag(flags, 'json')),
};

async function validate(files: readonly string[], io: CliIO, debug: boolean, json: boolean): Promise<number> {
  let exit: number = ExitCode.ok;
  // With --json the text goes to stderr, and stdout holds the one document.
  const text = json ? io.stderr : io.stdout;
  const validated: ValidatedFile[] = [];
  for (const file of files) {
    try {
      const loaded = await loadScenario(file, io.cwd);
      const notYet = notYetRunnable(loaded);
      const trials = plannedTrialCount(loaded.scenario, expandPlan(loaded.scenario));
      validated.push({ file, trials, issues: [], notes: notYet });
      text.write(`${file}: valid (${loaded.scenario.load.redline ? `a redline search of at most ${trials}` : trials} trials)\n`);
      for (const issue of notYet) text.write(formatIssue({ ...issue, what: `note: ${issue.what}` }).replace(': error: ', ': '));
    } catch (error) {
      if (!(error instanceof ScenarioError) && !(error instanceof MeshbenchError)) throw error;
      const issues = error instanceof ScenarioError ? error.issues : [{ what: error.what, where: error.where ?? file, path: '', fix: error.fix }];
      validated.push({ file, trials: null, issues, notes: [] });
      io.stderr.write(formatError(error, debug));
      exit = ExitCode.usage;
    }
  }
  if (json) {
    // Loaded only when asked: plain `validate` stays among the commands that start fast.
    const { renderJson, validateJson } = await import('../../report/json.ts');
    io.stdout.write(renderJson(validateJson(validated)));
  }
  return exit;
}
