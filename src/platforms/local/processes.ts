/**
 * Child processes the local platform starts. Every child is tracked from spawn to exit; stop()
 * asks with SIGTERM and insists with SIGKILL. Children die with meshbench however it ends:
 * - a hook kills whatever is still alive when this process exits (a second Ctrl-C, an uncaught error);
 * - on Linux each child is started through `setpriv --pdeathsig SIGKILL`, so the kernel kills it
 *   when meshbench itself is killed (SIGKILL, OOM), where no hook of ours runs. HAProxy has no
 *   stdin to watch, so this is the only way it learns that its parent is gone.
 * Children get a process group of their own: a signal a CI runner sends to meshbench's group
 * reaches meshbench alone, which then tears down in order instead of racing its children's exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { RunError } from '../../errors.ts';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

export interface StartOptions {
  /** For errors: "workload", "sidecar-inbound". */
  name: string;
  command: string;
  args: readonly string[];
  /** Sees every stderr line as it comes (a remote loader's progress: its window's edges). */
  onStderrLine?: (line: string) => void;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** The last lines the process wrote to stderr, for error messages. */
  stderrTail(): string;
  /** Resolves with the first stdout line that `match` accepts. */
  waitForLine<T>(match: (line: string) => T | undefined, timeoutMs: number, signal: AbortSignal): Promise<T>;
  stop(): Promise<void>;
}

const STDERR_TAIL_LINES = 20;
const STOP_GRACE_MS = 2_000;

/** util-linux's setpriv, which sets the parent-death signal before it execs the command. */
const SETPRIV = process.platform === 'linux' ? ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) : undefined;

/** "exited with code 1", "exited with signal SIGKILL": for messages about a process that ended. */
export function describeExit(code: number | string): string {
  return typeof code === 'number' ? `exited with code ${code}` : /^SIG/.test(code) ? `exited with signal ${code}` : `failed (${code})`;
}

export function startProcess(o: StartOptions): ManagedProcess {
  installExitHook();
  let child: ChildProcess;
  try {
    const [command, args] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', o.command, ...o.args]] : [o.command, o.args];
    child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  } catch (cause) {
    throw new RunError({ what: `cannot start ${o.name} (${o.command})`, where: o.name, fix: 'check that it is installed', cause });
  }
  live.add(child);
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > STDERR_TAIL_LINES) stderr.shift();
    o.onStderrLine?.(line);
  });
  const lines = createInterface({ input: child.stdout! });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (err) => {
      live.delete(child);
      stderr.push(String(err));
      resolve((err as NodeJS.ErrnoException).code ?? 'spawn error');
    });
  });
  const spawnFailed = (code: number | string) =>
    new RunError({
      what: `${o.name} exited before it was ready (${code})${stderr.length ? `: ${stderr.join(' | ')}` : ''}`,
      where: o.name,
      // setpriv reports a missing command as exit code 127, as a shell does.
      fix: code === 'ENOENT' || code === 127 ? `install \`${o.command}\` (see README.md, "Set-up")` : 'see the process output above',
    });

  return {
    name: o.name,
    pid: child.pid ?? -1,
    exited,
    stderrTail: () => stderr.join('\n'),
    waitForLine<T>(match: (line: string) => T | undefined, timeoutMs: number, signal: AbortSignal): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const cleanup = () => {
          clearTimeout(timer);
          lines.off('line', onLine);
          signal.removeEventListener('abort', onAbort);
        };
        const onLine = (line: string) => {
          const found = match(line);
          if (found !== undefined) {
            cleanup();
            resolve(found);
          }
        };
        const onAbort = () => {
          cleanup();
          reject(signal.reason);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new RunError({ what: `${o.name} did not become ready within ${timeoutMs} ms`, where: o.name, fix: 'see its output: ' + (stderr.join(' | ') || '(none)') }));
        }, timeoutMs);
        lines.on('line', onLine);
        signal.addEventListener('abort', onAbort, { once: true });
        void exited.then((code) => {
          cleanup();
          reject(spawnFailed(code));
        });
      });
    },
    async stop(): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null || !live.has(child)) return;
      child.kill('SIGTERM');
      // A stopped process (SIGSTOP, a debugger) would hold SIGTERM until the grace ran out.
      child.kill('SIGCONT');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
