/** scripts/istio/tier.sh for the real-node e2e tests: Istio installed on (or removed from) this checkout's real tier. */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { repoRoot } from '../helpers.ts';

const ISTIO_TIER = join(repoRoot, 'scripts/istio/tier.sh');

/** Runs `up` or `down` on the tier whose admin kubeconfig is `kubeconfig`; throws with its last output on failure. */
export function istioTier(cmd: 'up' | 'down', kubeconfig: string): { ms: number; err: string } {
  const t0 = Date.now();
  // The tier's run folder is this checkout's (test/platforms/kubernetes/tier.ts): RUN-real holds the kubeconfig.
  const env = { ...process.env, MESHBENCH_TIER_RUN: dirname(kubeconfig).replace(/-real$/, '') };
  const r = spawnSync('bash', [ISTIO_TIER, cmd], { encoding: 'utf8', timeout: 1_200_000, env });
  if (r.status !== 0) throw new Error(`scripts/istio/tier.sh ${cmd} failed (exit ${r.status}):\n${r.stderr.split('\n').slice(-30).join('\n')}`);
  return { ms: Date.now() - t0, err: r.stderr };
}
