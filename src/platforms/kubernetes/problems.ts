/** What preflight and the data-plane check find: every problem at once, each with where and how to fix it. */
import { ExitCode, MeshbenchError } from '../../errors.ts';

export interface Problem {
  what: string;
  /** The mesh, namespace, object or permission concerned. */
  where: string;
  fix: string;
}

/** Exit 2: the cluster is not ready for this scenario, and nothing was created. */
export class PreflightError extends MeshbenchError {
  override readonly exitCode = ExitCode.usage;
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    const first = problems[0];
    super({
      what: `the cluster is not ready for this scenario (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was created:\n${problems.map(formatProblem).join('\n')}`,
      where: first?.where ?? 'preflight',
      fix: problems.length === 1 ? first!.fix : 'fix each problem above, then run again',
    });
    this.problems = problems;
  }
}

export const formatProblem = (p: Problem): string => `  - ${p.where}: ${p.what}\n    fix: ${p.fix}`;
