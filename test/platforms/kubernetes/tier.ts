/**
 * The real Kubernetes tier (scripts/k8s-tier.sh) for the tests: started on first use, once for the
 * whole test process (uvu runs every file in one process), and stopped when the process exits
 * unless it was already running before (a developer's own tier stays up). A tier that is not built
 * fails the test with what to run; it never skips.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { KubeClient } from '../../../src/platforms/kubernetes/client.ts';
import { repoRoot } from '../../helpers.ts';

const SCRIPT = join(repoRoot, 'scripts', 'k8s-tier.sh');

export interface Tier {
  kubeconfig: string;
  /** The tier's own kubectl (same version as the API server). */
  kubectl: string;
  /** An admin client (system:masters). */
  client: KubeClient;
  /** How long `start` took, for the report; 0 when the tier was already up. */
  startMs: number;
}

let started: Tier | undefined;

function run(cmd: string): { code: number; out: string; err: string } {
  const r = spawnSync('bash', [SCRIPT, cmd], { encoding: 'utf8', timeout: 180_000 });
  return { code: r.status ?? 1, out: r.stdout, err: r.stderr };
}

export function tier(): Tier {
  if (started) return started;
  const kubeconfig = run('kubeconfig').out.trim();
  let startMs = 0;
  if (run('status').code !== 0) {
    const t0 = Date.now();
    const r = run('start');
    if (r.code !== 0) {
      throw new Error(`the Kubernetes test tier did not start (scripts/k8s-tier.sh start, exit ${r.code}); build it once with ./scripts/setup.sh --test (or scripts/k8s-tier.sh build).\n${r.err.split('\n').slice(-15).join('\n')}`);
    }
    startMs = Date.now() - t0;
    process.once('exit', () => {
      run('stop');
    });
  }
  started = { kubeconfig, kubectl: join(run('bin').out.trim(), 'kubectl'), client: KubeClient.fromAccess({ kubeconfig }), startMs };
  return started;
}

/** A run id no other test (or earlier test process on the same tier) uses. */
export const uniqueRunId = (tag: string): string => `t${Date.now().toString(36)}-${tag}-${Math.random().toString(36).slice(2, 6)}`;

/** The error a promise rejects with; fails the test when it resolves instead. */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  const outcome = await p.then(
    () => null,
    (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
  );
  if (!outcome) throw new Error('expected a rejection, but the promise resolved');
  return outcome;
}

/** uvu says nothing when a before/after hook throws (its tests just do not run): say why, then fail. */
export const hook =
  (fn: () => Promise<void>) =>
  async (): Promise<void> => {
    try {
      await fn();
    } catch (e) {
      process.stderr.write(`\nA test hook failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      throw e;
    }
  };
