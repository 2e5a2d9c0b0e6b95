/**
 * What a candidate is compared with: one result.json (its repetitions are the samples), another
 * tool's raw output (imported on the fly), or a folder of past results, of which the last N
 * completed runs of the same scenario on the same kind of machine that did not regress form a
 * rolling baseline (one median per run, so one noisy night weighs as one sample).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../errors.ts';
import { meshesWithoutValidTrial } from '../coverage.ts';
import type { RunResult } from '../model.ts';
import { readResult, RESULT_FILE } from '../store.ts';
import { blockingDifferences } from './environment-diff.ts';
import { importedOnTheFly, type RawReferenceOptions } from './raw-reference.ts';
import { runMedianSamples, trialSamples, type Samples } from './samples.ts';

export interface Baseline {
  description: string;
  /** The runs it was built from, oldest first. */
  runs: RunResult[];
  samples: Samples;
  /** Past runs left out of a rolling baseline, each with the reason. */
  leftOut: string[];
}

export interface BaselineOptions {
  runs: number;
  allowEnvDiff: boolean;
  allowScenarioDiff: boolean;
  raw: RawReferenceOptions;
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
 * A regression must not become the baseline: a run whose gate said regression (or no data) stays
 * out of a rolling baseline until a person accepts it (`bench accept`), or the gate goes green
 * again within a few nights as the regression is absorbed into the median. A run never gated (the
 * first of a series) is usable; a run with a mesh that has no valid trial never is.
 */
export function whyNotBaseline(r: RunResult): string | null {
  if (r.status !== 'completed') return `status ${r.status}`;
  const empty = meshesWithoutValidTrial(r);
  if (empty.length) return `no valid trial for ${empty.join(', ')}`;
  if (r.gate && (r.gate.outcome === 'regression' || r.gate.outcome === 'no-data') && r.gate.acceptedAt === undefined) return `its gate said ${r.gate.outcome} (not accepted with \`bench accept\`)`;
  return null;
}

export async function loadBaseline(path: string, candidate: RunResult, o: BaselineOptions): Promise<Baseline> {
  const single = await resolveResultFile(path);
  if (single) {
    const result = (await importedOnTheFly(single, o.raw)) ?? (await readResult(single));
    if (result.runId === candidate.runId) {
      throw new UsageError({ what: `the baseline is the candidate itself (run ${candidate.runId}): a run compared with itself always passes`, where: path, fix: 'compare with an earlier run, or a folder of past runs' });
    }
    return { description: path, runs: [result], samples: trialSamples(result), leftOut: [] };
  }
  const entries = await readdir(path, { withFileTypes: true }).catch((cause: NodeJS.ErrnoException) => {
    throw new UsageError({ what: `baseline not found (${cause.code})`, where: path, fix: 'pass a result.json, a results folder, or a folder of results folders', cause });
  });
  const files = (await Promise.all(entries.filter((e) => e.isDirectory()).map((e) => resolveResultFile(join(path, e.name))))).filter((f): f is string => f !== null);
  const all = (await Promise.all(files.map((f) => readResult(f)))).filter((r) => r.runId !== candidate.runId).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const leftOut: string[] = [];
  const usable = all.filter((r) => {
    const why =
      whyNotBaseline(r) ??
      (!o.allowScenarioDiff && r.scenarioHash !== candidate.scenarioHash ? `another scenario (hash ${r.scenarioHash})` : null) ??
      // Every run of a rolling baseline passes the same environment rule as a single baseline.
      (o.allowEnvDiff ? null : envMismatch(r, candidate));
    if (why) leftOut.push(`${r.runId}: ${why}`);
    return why === null;
  });
  const chosen = usable.slice(-o.runs);
  if (chosen.length === 0) {
    throw new UsageError({
      what: `no past run among ${all.length} result(s) can be a baseline for this one:\n${leftOut.map((l) => `    ${l}`).join('\n')}`,
      where: path,
      fix: 'run the same scenario on the same kind of machine at least once to make a baseline; --allow-env-diff or --allow-scenario-diff take runs that differ (the report lists what)',
    });
  }
  const n = chosen.length;
  return { description: `${path} (median of the last ${n} run${n === 1 ? '' : 's'})`, runs: chosen, samples: runMedianSamples(chosen), leftOut };
}

function envMismatch(r: RunResult, candidate: RunResult): string | null {
  const blocking = blockingDifferences(r, candidate).filter((d) => d.kind === 'environment');
  return blocking.length ? `another environment (${blocking.map((d) => `${d.what}: ${d.baseline} → ${d.candidate}`).join('; ')})` : null;
}
