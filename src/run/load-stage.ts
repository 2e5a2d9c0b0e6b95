/**
 * One trial's load, wherever it runs: an engine in this process, or meshbench's own engine run
 * by the platform elsewhere (a Job, a network namespace), whose result lines load/ decodes here.
 * Either way the collectors cover exactly the measured window.
 */
import type { Collector, ResourceUsage } from '../collectors/types.ts';
import { decodeLiveLine, type LiveLoad } from '../load/live.ts';
import { decodeResultLine, mergeOutcomes } from '../load/result-line.ts';
import type { LoadEngine, LoadOutcome, LoadPhase, LoadSpec } from '../load/types.ts';
import type { Deployment } from '../platforms/types.ts';
import { WindowResources } from './window-resources.ts';

export interface LoadStageResult {
  outcome: LoadOutcome;
  resources: ResourceUsage[];
}

export interface LoadStageOptions {
  spec: LoadSpec;
  engine: LoadEngine;
  collectors: readonly Collector[];
  signal: AbortSignal;
  onPhase(phase: LoadPhase): void;
  /** The window's counts a few times a second, where the loader can tell them as it runs (not from a cluster). */
  onLive?(live: LiveLoad): void;
}

export async function runLoadStage(deployment: Deployment, o: LoadStageOptions): Promise<LoadStageResult> {
  let collection = new WindowResources(o.collectors, deployment.containers);
  const onPhase = (phase: LoadPhase) => {
    o.onPhase(phase);
    collection.onPhase(phase);
  };
  try {
    const placement = deployment.load;
    let outcome: LoadOutcome;
    await placement.checks?.before();
    if (placement.where === 'in-process') {
      // A TLS workload's CA comes from the platform that made it (a remote loader has it in its settings).
      outcome = await o.engine.run(placement.trust ? { ...o.spec, trust: placement.trust } : o.spec, placement.targetUrl, o.signal, onPhase, o.onLive);
    } else {
      const r = await placement.run<LoadOutcome>({
        signal: o.signal,
        decode: (output) => decodeResultLine(output).outcome,
        merge: mergeOutcomes,
        watch: (containers) => {
          collection = new WindowResources(o.collectors, containers);
          return onPhase;
        },
        loaderLine: (line) => {
          if (!o.onLive) return;
          const live = decodeLiveLine(line);
          if (live) o.onLive(live);
        },
      });
      outcome = r.merged;
    }
    await placement.checks?.after();
    return { outcome, resources: await collection.result() };
  } catch (error) {
    collection.cancel();
    throw error;
  }
}
