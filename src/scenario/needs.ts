/** What a plan will need (time, connections, descriptors, processes), and the soft ceilings it passes. */
import { SOFT_CEILINGS } from './ceilings.ts';
import { formatDurationMs } from './duration.ts';
import { estimatePlanMs, plannedTrialCount, type EstimateLayout, type Trial } from './plan.ts';
import type { ResolvedScenario } from './resolve.ts';

export interface PlanNeeds {
  trials: number;
  estimatedMs: number;
  /** Highest connection count of a level. */
  peakConnections: number;
  /** Highest target rate; null in mode `max`. */
  peakRateRps: number | null;
  /** Processes one trial starts on platform local: the workload, and two sidecars for a meshed trial. */
  processesPerTrial: number;
  /** File descriptors at the peak: a socket per connection at each end of each hop. */
  fileDescriptors: number;
}

export function planNeeds(s: ResolvedScenario, trials: readonly Trial[], layout?: EstimateLayout): PlanNeeds {
  const peakConnections = Math.max(...s.load.connections);
  const meshed = s.meshes.some((m) => m !== 'none');
  const hops = s.platform === 'local' && meshed ? 3 : 1;
  return {
    trials: plannedTrialCount(s, trials),
    estimatedMs: estimatePlanMs(s, trials, layout),
    peakConnections,
    peakRateRps: s.load.redline ? s.load.redline.maxRps : s.load.ratesRps ? Math.max(...s.load.ratesRps) : null,
    processesPerTrial: s.platform === 'local' ? (meshed ? 3 : 1) : 0,
    fileDescriptors: peakConnections * 2 * hops,
  };
}

/** One line for `bench plan`: what the run will take. */
export function describeNeeds(n: PlanNeeds): string {
  const rate = n.peakRateRps === null ? 'as fast as it goes' : `up to ${n.peakRateRps} rps`;
  const processes = n.processesPerTrial ? `, ${n.processesPerTrial} process(es) per trial` : '';
  return `Needs: about ${formatDurationMs(n.estimatedMs)} for ${n.trials} trial(s); up to ${n.peakConnections} connection(s), ${rate}, about ${n.fileDescriptors} file descriptors at the peak${processes}`;
}

/** Soft ceilings the plan goes over, each as a sentence; empty when none. */
export function overSoftCeilings(n: PlanNeeds): string[] {
  const over: string[] = [];
  if (n.estimatedMs > SOFT_CEILINGS.runMs) over.push(`the run would take about ${formatDurationMs(n.estimatedMs)} (ceiling ${formatDurationMs(SOFT_CEILINGS.runMs)})`);
  if (n.trials > SOFT_CEILINGS.trials) over.push(`${n.trials} trials (ceiling ${SOFT_CEILINGS.trials})`);
  if (n.peakConnections > SOFT_CEILINGS.connections) over.push(`${n.peakConnections} connections (ceiling ${SOFT_CEILINGS.connections})`);
  if (n.peakRateRps !== null && n.peakRateRps > SOFT_CEILINGS.rateRps) over.push(`${n.peakRateRps} rps (ceiling ${SOFT_CEILINGS.rateRps})`);
  return over;
}
