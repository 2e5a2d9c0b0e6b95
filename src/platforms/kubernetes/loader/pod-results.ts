/**
 * The pods' result lines as one trial's load outcome. The decoder and the exact merge are load/'s
 * (decodeResultLine, mergeOutcomes) and are passed in by run/, so this layer never parses load
 * results itself (DESIGN.md layer order). What is checked here is the shape of the distributed
 * run: every share 0..N-1 present once, each from the pod of that index, all of the same N.
 * Each pod's own outcome is kept beside the merge, so a saturated pod (its scheduler lag) shows.
 */
import { RunError } from '../../../errors.ts';
import type { LoaderPodOutput } from './runner.ts';

export interface Decoded<T> {
  outcome: T;
  line: { share: { index: number; count: number }; window: { startEpochMs: number; endEpochMs: number } };
}

export interface PodResult<T> {
  index: number;
  pod: string;
  node: string;
  outcome: T;
  /** The pod's measured window on its own clock, epoch ms. */
  window: { startEpochMs: number; endEpochMs: number };
}

export interface PodResults<T> {
  merged: T;
  perPod: PodResult<T>[];
  /** How far apart the pods' windows began, ms: clock skew plus start jitter. */
  startSpreadMs: number;
}

export function collectPodResults<T>(outputs: readonly LoaderPodOutput[], pods: number, decode: (line: string) => Decoded<T>, merge: (parts: T[]) => T): PodResults<T> {
  const perPod: PodResult<T>[] = [];
  for (const o of outputs) {
    const where = `load pod ${o.pod} (index ${o.index})`;
    if (!o.resultLine) throw new RunError({ what: `${where} left no result line`, where, fix: 'see its log: kubectl logs POD -c loadgen' });
    let d: Decoded<T>;
    try {
      d = decode(o.resultLine);
    } catch (e) {
      throw new RunError({ what: `${where}: ${(e as Error).message}`, where, fix: 'run the same meshbench version that rendered the Job', cause: e });
    }
    const share = d.line.share;
    if (share.count !== pods || share.index !== o.index) {
      throw new RunError({ what: `${where} reports share ${share.index} of ${share.count}, not ${o.index} of ${pods}`, where, fix: 'a Job from another trial or another run answered: check that no two runs share a namespace' });
    }
    perPod.push({ index: o.index, pod: o.pod, node: o.node, outcome: d.outcome, window: d.line.window });
  }
  perPod.sort((a, b) => a.index - b.index);
  const missing = Array.from({ length: pods }, (_, i) => i).filter((i) => perPod.filter((p) => p.index === i).length !== 1);
  if (missing.length) throw new RunError({ what: `the load pods' shares ${missing.join(', ')} are missing or doubled (${perPod.length} results for ${pods} pods)`, where: 'load Job', fix: 'a meshbench bug: please report it with the Job\'s pods (kubectl get pods -l batch.kubernetes.io/job-name=JOB)' });
  const starts = perPod.map((p) => p.window.startEpochMs);
  return { merged: merge(perPod.map((p) => p.outcome)), perPod, startSpreadMs: Math.max(...starts) - Math.min(...starts) };
}
