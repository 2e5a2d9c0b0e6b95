/**
 * User-facing failures. Each one says what went wrong, where, and how to fix it, and carries the
 * exit code the CLI maps it to (DESIGN.md "Errors and exit codes"). Any other Error is a bug.
 */
export const ExitCode = {
  ok: 0,
  regression: 1,
  usage: 2,
  runFailed: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface MeshbenchErrorOptions {
  what: string;
  /** file:line:column, an object path, or a component name. */
  where?: string;
  fix?: string;
  cause?: unknown;
}

export class MeshbenchError extends Error {
  readonly what: string;
  readonly where: string | undefined;
  readonly fix: string | undefined;
  readonly exitCode: ExitCode = ExitCode.runFailed;

  constructor(options: MeshbenchErrorOptions) {
    super(options.where ? `${options.where}: ${options.what}` : options.what, { cause: options.cause });
    this.name = new.target.name;
    this.what = options.what;
    this.where = options.where;
    this.fix = options.fix;
  }
}

/** Bad flags or arguments; nothing was started. */
export class UsageError extends MeshbenchError {
  override readonly exitCode = ExitCode.usage;
}

/** One problem found in a scenario file. */
export interface ScenarioIssue {
  what: string;
  /** file:line:column */
  where: string;
  /** Dot path inside the scenario, e.g. `load.connections[1]`. */
  path: string;
  fix?: string;
}

/** The scenario is invalid; carries every issue found, not just the first. */
export class ScenarioError extends MeshbenchError {
  override readonly exitCode = ExitCode.usage;
  readonly issues: readonly ScenarioIssue[];

  constructor(file: string, issues: readonly ScenarioIssue[]) {
    const first = issues[0];
    super({
      what: `${issues.length} problem${issues.length === 1 ? '' : 's'} in scenario`,
      where: first?.where ?? file,
      fix: `run \`bench validate ${file}\` to list them; the scenario reference is in README.md`,
    });
    this.issues = issues;
  }
}

/** The run itself failed (deploy, load, collector); finished trials are on disk. */
export class RunError extends MeshbenchError {
  override readonly exitCode = ExitCode.runFailed;
}

export function isMeshbenchError(e: unknown): e is MeshbenchError {
  return e instanceof MeshbenchError;
}
