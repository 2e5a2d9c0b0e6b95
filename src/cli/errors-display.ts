/** How failures look on stderr: what, where, how to fix; a stack only with --debug. */
import { isMeshbenchError, ScenarioError, type ScenarioIssue } from '../errors.ts';

export function formatIssue(i: ScenarioIssue): string {
  return `${i.where}: error: ${i.what}${i.fix ? `\n  hint: ${i.fix}` : ''}\n`;
}

export function formatError(error: unknown, debug: boolean): string {
  const stack = debug && error instanceof Error && error.stack ? `\n${error.stack}\n` : '';
  if (error instanceof ScenarioError) {
    return error.issues.map(formatIssue).join('') + `${error.issues.length} problem${error.issues.length === 1 ? '' : 's'} found.\n${stack}`;
  }
  if (isMeshbenchError(error)) {
    return `error: ${error.where ? `${error.where}: ` : ''}${error.what}\n${error.fix ? `  hint: ${error.fix}\n` : ''}${stack}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `internal error: ${message}\n  This is a meshbench bug. Please report it with the output of the same command run with --debug.\n${stack}`;
}
