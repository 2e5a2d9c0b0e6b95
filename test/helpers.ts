/** Small helpers shared by tests: paths, an in-memory CLI io, and process checks. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CliIO } from '../src/cli/io.ts';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const fixture = (path: string) => fileURLToPath(new URL(`fixtures/${path}`, import.meta.url));

export interface CapturedIO extends CliIO {
  out(): string;
  err(): string;
}

export function captureIO(options: { cwd?: string; signal?: AbortSignal } = {}): CapturedIO {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    env: { CI: 'true' },
    cwd: options.cwd ?? repoRoot,
    signal: options.signal ?? new AbortController().signal,
    out: () => out,
    err: () => err,
  };
}

/** Pids of running processes whose command line contains `marker` (e.g. a run id). */
export function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const state = /^State:\s+(\w)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (cmdline.includes(marker) && state !== 'Z') pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/**
 * A run that finished: exit 0, or exit 3 when a loaded machine left a mesh without a valid trial
 * (loader lag) and the run said so. Tests of the pipeline, not of the machine's quiet, accept both.
 */
export function finishedRun(code: number, stderr: string): boolean {
  return code === 0 || (code === 3 && /no valid trial for/.test(stderr));
}
