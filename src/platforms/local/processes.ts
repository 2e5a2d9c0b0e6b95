/**
 * Child processes the local platform starts. Every child is tracked from spawn to exit; stop()
 * asks with SIGTERM and insists with SIGKILL. A last-resort hook kills whatever is still alive
 * when this process exits, so no sidecar outlives a crashed run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
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

export function startProcess(o: StartOptions): ManagedProcess {
  installExitHook();
  let child: ChildProcess;
  try {
    child = spawn(o.command, o.args, { stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (cause) {
    throw new RunError({ what: `cannot start ${o.name} (${o.command})`, where: o.name, fix: 'check that it is installed', cause });
  }
  live.add(child);
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > STDERR_TAIL_LINES) stderr.shift();
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
      fix: code === 'ENOENT' ? `install \`${o.command}\` (see README.md, "Set-up")` : 'see the process output above',
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
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
