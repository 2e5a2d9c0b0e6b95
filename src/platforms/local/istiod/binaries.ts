/**
 * What `control: istiod` runs, all from the project's cache (nothing is downloaded at run time):
 * Istio's pilot-discovery (istiod), pilot-agent and istioctl, built by `scripts/istio.sh build` at
 * one pinned pseudo-version, and the API tier of `scripts/k8s-tier.sh build` (kube-apiserver, etcd).
 * A missing part is a UsageError (exit 2, nothing ran) saying which script builds it.
 */
import { access, constants } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../../errors.ts';
import { runCommand } from '../netns/exec.ts';

/** istio.io/istio's pseudo-version as scripts/istio.sh stamps it (VERSION 1.31, master of 2026-08-27). */
export const ISTIO_STAMP = '1.31-dev+eed52ebb66ad';
export const ISTIO_PSEUDO_VERSION = 'v0.0.0-20260827124520-eed52ebb66ad';

/** scripts/k8s-tier.sh and scripts/istio.sh in this checkout. */
export const TIER_SCRIPT = fileURLToPath(new URL('../../../../scripts/k8s-tier.sh', import.meta.url));

export interface IstioBinaries {
  pilotDiscovery: string;
  pilotAgent: string;
  istioctl: string;
  /** Istio's sidecar bootstrap template (tools/packaging/common/envoy_bootstrap.json of the module built). */
  bootstrapTemplate: string;
  /** `pilot-discovery version --short`: "1.31-dev+eed52ebb66ad". */
  version: string;
}

export function istioCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cache, 'meshbench', `istio-${ISTIO_STAMP}`);
}

const WHERE = 'local platform (local.control: istiod)';
const FIX_ISTIO = 'build them once (about 10 min cold, cached afterwards): `./scripts/istio.sh build`; or run with `local: { control: static }` (Envoy sidecars with Istio\'s defaults, no istiod)';
const FIX_TIER = 'build it once (about 11 min cold): `./scripts/k8s-tier.sh build`; or run with `local: { control: static }`';

/** istiod, pilot-agent and istioctl at the pinned version, and the API tier built; else a UsageError. */
export async function findIstioBinaries(env: NodeJS.ProcessEnv = process.env): Promise<IstioBinaries> {
  const dir = istioCacheDir(env);
  const b = { pilotDiscovery: join(dir, 'pilot-discovery'), pilotAgent: join(dir, 'pilot-agent'), istioctl: join(dir, 'istioctl') };
  for (const path of Object.values(b)) {
    const missing = await access(path, constants.X_OK).then(() => false, () => true);
    if (missing) throw new UsageError({ what: `istiod's control of the Envoy sidecars needs Istio's binaries, and ${path} does not exist`, where: WHERE, fix: FIX_ISTIO });
  }
  const r = await runCommand(b.pilotDiscovery, ['version', '--short'], { timeoutMs: 10_000 });
  const version = /version: (\S+)/.exec(r.stdout)?.[1] ?? '';
  if (r.code !== 0 || version !== ISTIO_STAMP) {
    throw new UsageError({ what: `${b.pilotDiscovery} is not istiod ${ISTIO_STAMP} (\`version --short\` said: ${(r.stdout || r.stderr).trim().slice(0, 200) || `exit ${r.code}`})`, where: WHERE, fix: `rebuild it: \`FORCE=1 ./scripts/istio.sh build\`` });
  }
  const bootstrapTemplate = join(await goModCache(env), `istio.io/istio@${ISTIO_PSEUDO_VERSION}`, 'tools/packaging/common/envoy_bootstrap.json');
  if (await access(bootstrapTemplate).then(() => false, () => true)) {
    throw new UsageError({ what: `pilot-agent needs Istio's bootstrap template, and ${bootstrapTemplate} does not exist (the Go module cache that built Istio was cleaned)`, where: WHERE, fix: FIX_ISTIO.replace('./scripts/istio.sh build', 'FORCE=1 ./scripts/istio.sh build') });
  }
  const tier = await runCommand('bash', [TIER_SCRIPT, 'is-built'], { timeoutMs: 30_000, env });
  if (tier.code !== 0) throw new UsageError({ what: `istiod needs the API tier (kube-apiserver, etcd), and it is not built: ${(tier.stderr || tier.stdout).trim().slice(0, 200) || `exit ${tier.code}`}`, where: WHERE, fix: FIX_TIER });
  return { ...b, bootstrapTemplate, version };
}

/** Where `go install` put istio.io/istio's sources (scripts/istio.sh builds with the same Go). */
async function goModCache(env: NodeJS.ProcessEnv): Promise<string> {
  for (const go of [env.GO, 'go', '/usr/local/go/bin/go']) {
    if (!go) continue;
    const r = await runCommand(go, ['env', 'GOMODCACHE'], { timeoutMs: 10_000, env });
    if (r.code === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return join(env.HOME || homedir(), 'go', 'pkg', 'mod');
}
