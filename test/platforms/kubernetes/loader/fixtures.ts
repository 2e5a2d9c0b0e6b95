/**
 * Shared by the engine Job's tier tests: the bundle, the tier's one pod log file (kwok serves it
 * as every pod's log: scripts/k8s-tier.sh writes it beside the kubeconfig), a trial namespace
 * with the load generator's service account, and a small engine request.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bundleClusterEntry } from '../../../../src/load/bundle.ts';
import { applyObjects } from '../../../../src/platforms/kubernetes/apply.ts';
import type { LoaderJobRequest } from '../../../../src/platforms/kubernetes/loader/job.ts';
import { OWNER_LABELS } from '../../../../src/platforms/kubernetes/render.ts';
import { deleteOwned, findOwned } from '../../../../src/platforms/kubernetes/teardown.ts';
import { namespace, serviceAccounts } from '../../../../src/platforms/kubernetes/workload.ts';
import { tier, uniqueRunId } from '../tier.ts';

export async function buildBundle(): Promise<string> {
  const out = join(mkdtempSync(join(tmpdir(), 'meshbench-bundle-')), 'loader.mjs');
  await bundleClusterEntry(out);
  return readFileSync(out, 'utf8');
}

/**
 * The pod log file, held for this test file alone (another test process on the same tier may serve
 * its own logs: a lock file with the holder's pid, taken over when that process is gone), and
 * saved so that `restore` puts back what was there and lets go.
 */
export async function podLogFile(): Promise<{ path: string; restore: () => void }> {
  const path = join(dirname(tier().kubeconfig), 'pod.log');
  const lock = `${path}.lock`;
  for (let i = 0; ; i++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const holder = Number(readFileSync(lock, 'utf8').trim());
      if (!alive(holder)) rmSync(lock, { force: true });
      else if (i > 600) throw new Error(`${lock} is held by pid ${holder} for over 2 minutes`);
      else await sleep(200);
    }
  }
  const saved = `${path}.before-loader-tests`;
  const had = existsSync(path);
  if (had) copyFileSync(path, saved);
  return {
    path,
    restore: () => {
      if (had) {
        copyFileSync(saved, path);
        rmSync(saved);
      }
      rmSync(lock, { force: true });
    },
  };
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export class Namespaces {
  private readonly runIds: string[] = [];

  /** A namespace of its own with the load generator's service account, as the platform's deploy makes it. */
  async create(tag: string): Promise<{ ns: string; runId: string }> {
    const runId = uniqueRunId(tag);
    this.runIds.push(runId);
    const names = { namespace: `mb-loader-${runId}`, ownerLabels: OWNER_LABELS(runId) };
    await applyObjects(tier().client, [namespace(names, {}), ...serviceAccounts(names)]);
    return { ns: names.namespace, runId };
  }

  /** Deleted without waiting: nothing else uses these names. */
  async deleteAll(): Promise<void> {
    const { client } = tier();
    for (const runId of this.runIds) await deleteOwned(client, await findOwned(client, { runId, kinds: [] }), { timeoutMs: 0 });
  }
}

export const smallRequest = (ns: string, runId: string, target: URL, pods: number): LoaderJobRequest => ({
  name: 'loadgen-c6-r300',
  namespace: ns,
  ownerLabels: OWNER_LABELS(runId),
  pod: { labels: {}, annotations: {} },
  settings: { mode: 'rate', target: target.href, rateRps: 300, connections: 6, warmupMs: 100, durationMs: 500, timeoutMs: 1_000, pods },
  startEpochMs: Date.now() + 2_000,
  serviceAccountName: 'loadgen',
  workloadSelector: { app: 'workload' },
  nodeSelector: null,
  activeDeadlineSeconds: 120,
});
