/**
 * Where the Envoy binary lives: installed by `scripts/envoy.sh install` (which `./scripts/setup.sh`
 * runs) into the user's cache, `${XDG_CACHE_HOME:-$HOME/.cache}/meshbench/envoy-1.40.0/envoy`, or
 * named by MESHBENCH_ENVOY. A binary of another version is refused: results name the version they ran.
 */
import { access, constants } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../../errors.ts';
import { runCommand } from '../netns/exec.ts';

export const ENVOY_VERSION = '1.40.0';

export function envoyCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cache, 'meshbench', `envoy-${ENVOY_VERSION}`);
}

export interface EnvoyBinary {
  path: string;
  /** `envoy --version`'s build: "9e5580933739775e8bce696a57a2e1bc99368f23/1.40.0/Clean/RELEASE/BoringSSL". */
  build: string;
}

const INSTALL_FIX = `install it (about 10 s, cached afterwards): \`./scripts/setup.sh\` or \`./scripts/envoy.sh install\`; or point MESHBENCH_ENVOY at an Envoy ${ENVOY_VERSION} binary; or use HAProxy sidecars with \`local: { sidecar: haproxy }\` in the scenario`;

/** The Envoy 1.40.0 to run, or a UsageError (exit 2: nothing ran) saying how to install it. */
export async function findEnvoy(env: NodeJS.ProcessEnv = process.env): Promise<EnvoyBinary> {
  const path = env.MESHBENCH_ENVOY || join(envoyCacheDir(env), 'envoy');
  const missing = await access(path, constants.X_OK).then(() => false, () => true);
  if (missing) throw new UsageError({ what: `the local platform's Envoy sidecars need the Envoy binary, and ${path} does not exist`, where: 'local platform (sidecar: envoy)', fix: INSTALL_FIX });
  const r = await runCommand(path, ['--version'], { timeoutMs: 10_000 });
  const build = /version: (\S+)/.exec(r.stdout)?.[1];
  if (r.code !== 0 || !build?.includes(`/${ENVOY_VERSION}/`)) {
    throw new UsageError({ what: `${path} is not Envoy ${ENVOY_VERSION} (\`envoy --version\` said: ${(r.stdout || r.stderr).trim().slice(0, 200) || `exit ${r.code}`})`, where: 'local platform (sidecar: envoy)', fix: INSTALL_FIX });
  }
  return { path, build };
}
