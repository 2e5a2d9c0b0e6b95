/**
 * The local platform's working folder (certificates and private keys, proxy configs, sockets),
 * marked with the pid of the meshbench that made it, so that a later run can tell an abandoned
 * one from a live one.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** In each working folder: the pid of the meshbench that made it. */
const OWNER_FILE = 'owner.pid';

/**
 * Working folders whose meshbench was killed outright (SIGKILL, OOM), where no exit hook ran:
 * they hold private keys, so the next run removes them. A folder whose owner still lives is left.
 */
async function removeAbandonedWorkDirs(): Promise<void> {
  for (const entry of await readdir(tmpdir()).catch(() => [])) {
    if (!entry.startsWith('meshbench-')) continue;
    const dir = join(tmpdir(), entry);
    const owner = Number(await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => ''));
    if (!Number.isInteger(owner) || owner <= 0 || isAlive(owner)) continue;
    await rm(dir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive, but someone else's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A new working folder for this run, after removing those whose meshbench is gone. */
export async function ownedWorkDir(runId: string): Promise<string> {
  await removeAbandonedWorkDirs();
  const workDir = await mkdtemp(join(tmpdir(), `meshbench-${runId}-`));
  await writeFile(join(workDir, OWNER_FILE), String(process.pid));
  return workDir;
}
