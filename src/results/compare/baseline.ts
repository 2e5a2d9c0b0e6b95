/**
 * What a candidate is compared with: one result.json (its repetitions are the samples), or a
 * folder of past results, of which the last N completed runs of the same scenario that did not
 * regress form a rolling baseline (one median per run, so one noisy night weighs as one sample).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../errors.ts';
import type { RunResult } from '../model.ts';
import { readResult, RESULT_FILE } from '../store.ts';
import { runMedianSamples, trialSamples, type Samples } from './samples.ts';

export interface Baseline {
  description: string;
  /** The runs it was built from, oldest first. */
  runs: RunResult[];
  samples: Samples;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/** result.json itself, or a results folder holding one. */
export async function resolveResultFile(path: string): Promise<string | null> {
  if (await isFile(path)) return path;
  const inside = join(path, RESULT_FILE);
  return (await isFile(inside)) ? inside : null;
}

/**
 * A regression must not become the baseline: a run whose gate said regression stays out of a
 * rolling baseline until a person accepts it (`bench accept`), or the gate goes green again within
 * a few nights as the regression is absorbed into the median. A run never gated (the first of a
 * series, with nothing to compare with) is usable.
 */
export function mayBeBaseline(r: RunResult): boolean {
  return r.gate === null || r.gate.outcome !== 'regression' || r.gate.acceptedAt !== undefined;
}

export async function loadBaseline(path: string, candidate: RunResult, o: { runs: number; force: boolean }): Promise<Baseline> {
  const single = await resolveResultFile(path);
  if (single) {
    const result = await readResult(single);
    return { description: path, runs: [result], samples: trialSamples(result) };
  }
  const entries = await readdir(path, { withFileTypes: true }).catch((cause: NodeJS.ErrnoException) => {
    throw new UsageError({ what: `baseline not found (${cause.code})`, where: path, fix: 'pass a result.json, a results folder, or a folder of results folders', cause });
  });
  const files = (await Promise.all(entries.filter((e) => e.isDirectory()).map((e) => resolveResultFile(join(path, e.name))))).filter((f): f is string => f !== null);
  const all = await Promise.all(files.map((f) => readResult(f)));
  const usable = all
    .filter((r) => r.status === 'completed' && r.runId !== candidate.runId && mayBeBaseline(r))
    .filter((r) => o.force || r.scenarioHash === candidate.scenarioHash)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt))
    .slice(-o.runs);
  if (usable.length === 0) {
    throw new UsageError({
      what: `no completed past run of scenario hash ${candidate.scenarioHash} among ${all.length} result(s) (regressed runs not accepted with \`bench accept\` are left out)`,
      where: path,
      fix: 'run the same scenario at least once to make a baseline, or pass --force to compare with other scenarios',
    });
  }
  return { description: `${path} (median of the last ${usable.length} run${usable.length === 1 ? '' : 's'})`, runs: usable, samples: runMedianSamples(usable) };
}
