/** Result files on disk, written atomically (temp file + rename) so a reader never sees half a file. */
import { rmSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { SCHEMA_VERSION, type RunResult } from './model.ts';
import { upgradeResult } from './upgrade.ts';

export const RESULT_FILE = 'result.json';

/** Temp files being written now: a forced exit (a second Ctrl-C) removes them on its way out. */
const writing = new Set<string>();
let exitHookInstalled = false;

export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => writing.forEach((t) => rmSync(t, { force: true })));
  }
  writing.add(temp);
  try {
    await writeFile(temp, content);
    await rename(temp, file);
  } catch (error) {
    // A full disk leaves half a temp file: remove it, so a failed write leaves nothing behind.
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  } finally {
    writing.delete(temp);
  }
}

/** `20261122T023512Z-http-basic`: sorts by time, safe in any file system. */
export function resultFolderName(startedAt: Date, scenarioName: string): string {
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const slug = scenarioName.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'scenario';
  return `${stamp}-${slug}`;
}

/** Runs of the same scenario started in the same second get `-2`, `-3`, ... up to this many. */
const MAX_SAME_SECOND_RUNS = 100;

/**
 * Creates the folder of one run, never one that exists: two runs started in the same second
 * into the same output get folders of their own (mkdir without `recursive` fails on an existing
 * folder, atomically), so their writes never interleave.
 */
export async function createResultFolder(outputDir: string, startedAt: Date, scenarioName: string): Promise<string> {
  await mkdir(outputDir, { recursive: true });
  const base = join(outputDir, resultFolderName(startedAt, scenarioName));
  for (let n = 1; n <= MAX_SAME_SECOND_RUNS; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    try {
      await mkdir(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`${MAX_SAME_SECOND_RUNS} result folders named ${base}[-N] exist already`);
}

export async function readResult(file: string): Promise<RunResult> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new UsageError({ what: 'cannot read result file', where: file, fix: 'pass a result.json written by `bench run`', cause });
  }
  try {
    return upgradeResult(parsed);
  } catch (cause) {
    throw new UsageError({
      what: `${(cause as Error).message}`,
      where: file,
      fix: `use a meshbench that writes schema version ${String((parsed as { schemaVersion?: unknown }).schemaVersion)} (this one reads up to ${SCHEMA_VERSION}), or re-run the scenario`,
      cause,
    });
  }
}
