/** What the CLI touches of the world, injected so tests run commands in-process (k6's GlobalState). */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIO {
  stdout: Output;
  stderr: Output;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Aborted on Ctrl-C / SIGTERM: the run tears down and keeps what it finished. */
  signal: AbortSignal;
}
