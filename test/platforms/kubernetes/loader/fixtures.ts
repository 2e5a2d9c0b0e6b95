/**
 * Shared by the engine Job's tier tests: the bundle, the tier's one pod log file (kwok serves it
 * as every pod's log: scripts/k8s-tier.sh writes it beside the kubeconfig), a trial namespace
 * with the load generator's service account, and a small engine request.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

/** The pod log file, saved so that `restore` puts back what was there. */
export function podLogFile(): { path: string; restore: () => void } {
  const path = join(dirname(tier().kubeconfig), 'pod.log');
  const saved = `${path}.before-loader-tests`;
  const had = existsSync(path);
  if (had) copyFileSync(path, saved);
  return {
    path,
    restore: () => {
      if (!had) return;
      copyFileSync(saved, path);
      rmSync(saved);
    },
  };
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
