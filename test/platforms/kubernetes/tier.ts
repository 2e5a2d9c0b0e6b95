/**
 * The real Kubernetes tier (scripts/k8s-tier.sh) for the tests: started on first use, once for the
 * whole test process (uvu runs every file in one process), and stopped when the process exits
 * unless it was already running before (a developer's own tier stays up). A tier that is not built
 * fails the test with what to run; it never skips. `tier()` has kwok's simulated nodes;
 * `realTier()` is the other tier, with real kubelets running real pods (`--nodes real`).
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
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

/**
 * Each checkout's tests have a run folder of their own (the tier's binaries are shared): two
 * checkouts' test runs on one machine would otherwise start and stop each other's tier. The
 * folder is named by the checkout's name and a hash of its path.
 * MESHBENCH_TIER_RUN set by hand wins (`scripts/k8s-tier.sh start` with it gives a tier the tests reuse).
 */
const checkout = repoRoot.replace(/\/+$/, '');
// The folder's name alone is not enough: a clean clone at /tmp/ci/main and /work/main are both `main`.
const checkoutId = `${basename(checkout).replace(/[^A-Za-z0-9_.-]/g, '_')}-${createHash('sha256').update(checkout).digest('hex').slice(0, 8)}`;
const TIER_RUN_ENV = { MESHBENCH_TIER_RUN: process.env.MESHBENCH_TIER_RUN || join(dirname(spawnSync('bash', [SCRIPT, 'kubeconfig'], { encoding: 'utf8' }).stdout.trim()), '..', `run-${checkoutId}`) };

function run(cmd: string, ...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync('bash', [SCRIPT, cmd, ...args], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...TIER_RUN_ENV } });
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

export interface RealTier extends Tier {
  /** The two real nodes' names. */
  nodes: string[];
  /** The loader image the tier built and imported (Node + this checkout's engine bundle), and the workload's (Fortio). */
  loaderImage: string;
  workloadImage: string;
}

let real: RealTier | undefined;
let stopRealAtExit = false;

/** The tier with real nodes, started on first use (as root: bridges, iptables, mounts) and stopped at exit unless it ran before. */
export function realTier(): RealTier {
  if (real) return real;
  const kubeconfig = run('kubeconfig', '--nodes', 'real').out.trim();
  let startMs = 0;
  if (run('status', '--nodes', 'real').code !== 0) {
    const t0 = Date.now();
    const r = run('start', '--nodes', 'real');
    if (r.code !== 0) {
      throw new Error(`the Kubernetes test tier with real nodes did not start (scripts/k8s-tier.sh start --nodes real, exit ${r.code}); it needs root and ./scripts/setup.sh --test (containerd, runc, CNI plugins, kubelet).\n${r.err.split('\n').slice(-25).join('\n')}`);
    }
    startMs = Date.now() - t0;
    if (!stopRealAtExit) process.once('exit', () => stopRealTier());
    stopRealAtExit = true;
  }
  real = {
    kubeconfig,
    kubectl: join(run('bin').out.trim(), 'kubectl'),
    client: KubeClient.fromAccess({ kubeconfig }),
    startMs,
    nodes: ['tier-node-0', 'tier-node-1'],
    loaderImage: run('loader-image', '--nodes', 'real').out.trim(),
    workloadImage: 'localhost/meshbench/fortio:1.66.0',
  };
  return real;
}

/** Stops the real tier (every host change undone); the next realTier() starts it again. */
export function stopRealTier(): { code: number; err: string } {
  real = undefined;
  const r = run('stop', '--nodes', 'real');
  return { code: r.code, err: r.err };
}

/** What the real nodes may change on the host (chains, links, mounts, sysctls, cgroups, paths), one line each. */
export function hostState(): string[] {
  return run('host-state', '--nodes', 'real').out.split('\n').filter(Boolean);
}
