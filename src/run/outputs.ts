/**
 * The files of a run: result.json and results.csv rewritten atomically after every trial, the
 * reports at the end, the comparison with a baseline. Reporters render; this writes.
 */
import { mkdir } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { RunError } from '../errors.ts';
import { renderComparisonJunit } from '../report/compare-junit.ts';
import { renderComparisonMarkdown } from '../report/compare-markdown.ts';
import { renderTrialsCsv } from '../report/csv.ts';
import { renderReports, type CostAssumptions, type ReportFormat } from '../report/index.ts';
import { compareWithBaseline, type CompareRunOptions, type Comparison } from '../results/compare/index.ts';
import { gateRecord } from '../results/gate-record.ts';
import type { RunResult } from '../results/model.ts';
import type { RunSummary } from '../results/summary.ts';
import { createResultFolder, RESULT_FILE, writeFileAtomic } from '../results/store.ts';

/** Writes the reports into `folder`, each file atomically; returns their paths relative to it. */
export async function writeReports(folder: string, result: RunResult, formats: readonly ReportFormat[], cost: CostAssumptions, summary?: RunSummary): Promise<string[]> {
  const files = renderReports(result, formats, { cost }, summary);
  for (const f of files) {
    const path = join(folder, f.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, f.content);
  }
  return files.map((f) => f.path);
}

export interface ComparisonFiles {
  markdown?: string | undefined;
  junit?: string | undefined;
}

/**
 * Gates `candidate` against the baseline at `baselinePath`, writes the comparison files asked for,
 * and records every verdict in the candidate's result.json when `recordIn` is given (an explicit
 * act: `bench compare --record`), so a regressed run never joins a rolling baseline by accident.
 */
export async function compareAndWrite(baselinePath: string, candidate: RunResult, o: CompareRunOptions, files: ComparisonFiles, recordIn?: string): Promise<Comparison> {
  const comparison = await compareWithBaseline(baselinePath, candidate, o);
  if (files.markdown) await writeFileAtomic(files.markdown, renderComparisonMarkdown(comparison));
  if (files.junit) await writeFileAtomic(files.junit, renderComparisonJunit(comparison));
  if (recordIn) {
    const gate = gateRecord({ baseline: { description: comparison.baseline.description, results: comparison.results.filter((r) => r.gate.kind !== 'cross') }, crossMesh: comparison.results.filter((r) => r.gate.kind === 'cross'), at: new Date() });
    await writeResult(recordIn, { ...candidate, gate });
  }
  return comparison;
}

export async function writeResult(file: string, result: RunResult): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(result, null, 2)}\n`);
}

/** The folder of one run: `<output>/<UTC time>-<name>/`. */
export class ResultFolder {
  readonly path: string;
  /**
   * Where results go after a write to `path` failed (folder removed, read-only, disk full): the
   * run stops with an error naming it, and every later write (the final status) goes there.
   */
  private fallback: string | null = null;

  private constructor(path: string) {
    this.path = path;
  }

  static async create(outputDir: string, startedAt: Date, scenarioName: string): Promise<ResultFolder> {
    try {
      return new ResultFolder(await createResultFolder(resolve(outputDir), startedAt, scenarioName));
    } catch (cause) {
      throw new RunError({ what: `cannot create the results folder in ${outputDir}`, where: 'output', fix: 'choose a writable folder with --output', cause });
    }
  }

  /** Where result.json is now: the folder, or the fallback after a failed write. */
  get resultFile(): string {
    return join(this.fallback ?? this.path, RESULT_FILE);
  }

  /**
   * result.json and results.csv as they stand now: called after every trial. The first failed
   * write puts the result (every finished trial, held in memory) in a fallback folder and throws
   * an error that names it; the orchestrator then stops the run and writes its end there too.
   */
  async persist(result: RunResult): Promise<void> {
    if (this.fallback) return writeBoth(this.fallback, result);
    try {
      await writeBoth(this.path, result);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
      const finished = result.trials.length;
      for (const candidate of fallbackFolders(this.path)) {
        try {
          await mkdir(candidate, { recursive: true });
          await writeBoth(candidate, result);
          this.fallback = candidate;
          break;
        } catch {
          // try the next place
        }
      }
      const why = { ENOENT: 'the folder was removed', EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'read-only file system', ENOSPC: 'no space left on device', EDQUOT: 'disk quota exceeded' }[code] ?? code;
      throw new RunError({
        what: this.fallback
          ? `cannot write results to ${this.path} (${code}: ${why}); the ${finished} finished trial(s) were written to ${join(this.fallback, RESULT_FILE)} instead`
          : `cannot write results to ${this.path} (${code}: ${why}), nor to ${fallbackFolders(this.path).join(' or ')}; the ${finished} finished trial(s) are lost`,
        where: 'output',
        fix: this.fallback
          ? `make room or restore the folder, then \`bench report ${this.fallback}/\` writes the reports; run again with --output on a writable disk`
          : 'run with --output on a writable disk with free space',
        cause,
      });
    }
  }
}

async function writeBoth(folder: string, result: RunResult): Promise<void> {
  await writeResult(join(folder, RESULT_FILE), result);
  await writeFileAtomic(join(folder, 'results.csv'), renderTrialsCsv(result));
}

/** Places on other file systems, most likely writable first: a full disk rarely fills /tmp too. */
function fallbackFolders(folder: string): string[] {
  const name = `meshbench-rescued-${basename(folder)}`;
  return [join(tmpdir(), name), join(homedir(), name)];
}
