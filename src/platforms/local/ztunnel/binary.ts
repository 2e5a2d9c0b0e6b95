/**
 * Where the ztunnel binary lives: built by `scripts/ztunnel.sh build` into the user's cache
 * (`${XDG_CACHE_HOME:-$HOME/.cache}/meshbench/ztunnel-1.30.3/ztunnel`), or named by
 * MESHBENCH_ZTUNNEL. A binary of another version is refused: results name the version they ran.
 */
import { access, constants } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../../errors.ts';
import { runCommand } from '../netns/exec.ts';

export const ZTUNNEL_VERSION = '1.30.3';

export function ztunnelCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cache, 'meshbench', `ztunnel-${ZTUNNEL_VERSION}`);
}

const BUILD_FIX = `build it once (about 10 min on 2 cores, cached afterwards): \`./scripts/ztunnel.sh build\` or \`./scripts/setup.sh --ztunnel\`; or point MESHBENCH_ZTUNNEL at a ztunnel ${ZTUNNEL_VERSION} built with \`--features testing\``;

/** The path of a usable ztunnel 1.30.3, or a UsageError (exit 2: nothing ran) saying how to build it. */
export async function findZtunnel(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const path = env.MESHBENCH_ZTUNNEL || join(ztunnelCacheDir(env), 'ztunnel');
  const missing = await access(path, constants.X_OK).then(() => false, () => true);
  if (missing) throw new UsageError({ what: `istio-ambient needs the ztunnel binary, and ${path} does not exist`, where: 'local platform (istio-ambient)', fix: BUILD_FIX });
  const r = await runCommand(path, ['version'], { timeoutMs: 10_000 });
  if (!r.stdout.includes(`Version:"${ZTUNNEL_VERSION}"`)) {
    throw new UsageError({ what: `${path} is not ztunnel ${ZTUNNEL_VERSION} (\`ztunnel version\` said: ${(r.stdout || r.stderr).trim().slice(0, 200)})`, where: 'local platform (istio-ambient)', fix: BUILD_FIX });
  }
  return path;
}
