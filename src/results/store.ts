/** Result files on disk, written atomically (temp file + rename) so a reader never sees half a file. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { SCHEMA_VERSION, type RunResult } from './model.ts';
import { upgradeResult } from './upgrade.ts';

export const RESULT_FILE = 'result.json';

export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, file);
}

/** `20261122T023512Z-http-basic`: sorts by time, safe in any file system. */
export function resultFolderName(startedAt: Date, scenarioName: string): string {
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const slug = scenarioName.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'scenario';
  return `${stamp}-${slug}`;
}

export async function createResultFolder(outputDir: string, startedAt: Date, scenarioName: string): Promise<string> {
  const dir = join(outputDir, resultFolderName(startedAt, scenarioName));
  await mkdir(dir, { recursive: true });
  return dir;
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
