/**
 * The runs a history is made of: every result.json in the folders directly under RESULTS_DIR (as
 * `bench run --output DIR` and `bench import` lay them out), of one scenario, since a date.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../errors.ts';
import { resolveResultFile } from '../compare/baseline.ts';
import { isMeasured, type RunResult } from '../model.ts';
import { readResult } from '../store.ts';

export interface HistorySelection {
  /** Scenario name; needed only when the folder holds more than one. */
  scenario?: string;
  /** Runs started at or after this instant. */
  since?: Date;
}

/** "30d", "12h", "2w", or an ISO date: the start of the window, counted back from `now`. */
export function parseSince(text: string, now: Date): Date {
  const m = /^(\d+)\s*([hdw])$/.exec(text.trim());
  if (m) return new Date(now.getTime() - Number(m[1]) * { h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 'h' | 'd' | 'w']);
  const date = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw new UsageError({ what: `--since "${text}" is neither a duration nor a date`, where: '--since', fix: 'pass a duration such as 30d, 12h or 2w, or a date such as 2026-11-01' });
  return date;
}

/** Whether a run can add a point: it finished writing and measured at least one window. */
const usable = (r: RunResult) => r.status !== 'running' && r.trials.some(isMeasured);

export async function readRunFolder(dir: string): Promise<RunResult[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((cause: NodeJS.ErrnoException) => {
    throw new UsageError({ what: `results folder not readable (${cause.code})`, where: dir, fix: 'pass the folder that `bench run --output DIR` writes its runs into', cause });
  });
  const files = (await Promise.all(entries.filter((e) => e.isDirectory()).map((e) => resolveResultFile(join(dir, e.name))))).filter((f): f is string => f !== null);
  return Promise.all(files.sort().map((f) => readResult(f)));
}

/** The runs of one scenario, oldest first; a clear error when there is nothing to draw. */
export function selectRuns(all: readonly RunResult[], where: string, o: HistorySelection): { scenario: string; runs: RunResult[] } {
  if (all.length === 0) throw new UsageError({ what: 'no result.json in the folders under this one', where, fix: 'pass the folder that `bench run --output DIR` writes its runs into (one sub-folder per run)' });
  const names = [...new Set(all.map((r) => r.scenario.name))].sort();
  const scenario = o.scenario ?? (names.length === 1 ? names[0]! : undefined);
  if (scenario === undefined || !names.includes(scenario)) {
    const counts = names.map((n) => `${n} (${all.filter((r) => r.scenario.name === n).length} runs)`).join(', ');
    throw new UsageError({
      what: o.scenario ? `no run of scenario "${o.scenario}" here` : 'this folder holds runs of several scenarios',
      where,
      fix: `pick one with --scenario NAME: ${counts}`,
    });
  }
  const runs = all
    .filter((r) => r.scenario.name === scenario && usable(r))
    .filter((r) => !o.since || new Date(r.startedAt).getTime() >= o.since.getTime())
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  if (runs.length === 0) {
    throw new UsageError({ what: `no run of "${scenario}" that measured a window${o.since ? ` since ${o.since.toISOString()}` : ''}`, where, fix: o.since ? 'widen --since' : 'run the scenario, or check that its runs finished' });
  }
  return { scenario, runs };
}
