/**
 * When a trial's numbers cannot be trusted (DESIGN.md "Measurement rules"): it is kept, flagged
 * invalid with the reasons, and left out of comparisons.
 */
import { bandwidthInvalidReasons } from './bandwidth.ts';
import { hostPauseExplanation } from './host-pauses.ts';
import type { HostPauses, LoadFigures } from './model.ts';

/** Achieved rate may miss the target by at most this fraction. */
export const RATE_TOLERANCE = 0.01;
/**
 * Closed loop: a loader using this much of its one core is the bottleneck, and its own queueing
 * is in the latency. The open loop spins near its sends on purpose (one core whatever the rate),
 * so there the scheduler lag, not CPU, says whether the loader kept up.
 */
export const LOADER_CPU_LIMIT_CORES = 0.9;

export interface ValidityInput {
  load: LoadFigures;
  errorBudget: number;
  loaderSaturated: boolean;
  /** CPU the load generator's process used in the window; null when not measured. */
  loaderCpuCores: number | null;
  /** The run's host-pause probe, when it ran: it may explain a loader that fell behind. */
  hostPauses?: HostPauses;
  /** A probe taken right after this trial, when it fell behind: the machine as the trial saw it, preferred to the run's. */
  trialHostPauses?: HostPauses;
  /** load.schedulerLagLimit, µs (default 1 ms): pauses shorter than it do not explain a late loader. */
  lagLimitUs?: number;
}

/** The reasons that say the load generator, not the target, was the limit (they all begin so). */
const LOADER_REASON_START = 'the load generator';
export const isLoaderReason = (reason: string): boolean => reason.startsWith(LOADER_REASON_START);

export function invalidReasons({ load, errorBudget, loaderSaturated, loaderCpuCores, hostPauses, trialHostPauses, lagLimitUs }: ValidityInput): string[] {
  // No requests in bandwidth mode: its own rules (bandwidth.ts) replace the request rules below.
  if (load.bandwidth) return bandwidthInvalidReasons(load.bandwidth, load.errors);
  const reasons: string[] = [];
  const attempts = load.responses2xx + load.responsesNon2xx + load.errors;
  if (load.responses2xx === 0) reasons.push('no successful (2xx) response in the measured window');
  if (attempts > 0) {
    const failedFraction = (load.responsesNon2xx + load.errors) / attempts;
    if (failedFraction > errorBudget) {
      reasons.push(`failed requests ${percent(failedFraction)} exceed the error budget ${percent(errorBudget)}`);
    }
  }
  // The rate rule counts every response, whatever its status: failed responses are the error
  // budget's to judge, so a 5xx burst within the budget does not also fail the rate. Requests
  // that got no answer (timeouts, resets) lower it, as they lower what the target delivered.
  const completedRps = load.durationMs > 0 ? ((load.responses2xx + load.responsesNon2xx) * 1_000) / load.durationMs : 0;
  if (load.targetRps !== null && completedRps < load.targetRps * (1 - RATE_TOLERANCE)) {
    reasons.push(`completed ${completedRps.toFixed(1)} responses/s, more than ${percent(RATE_TOLERANCE)} under the target ${load.targetRps} rps`);
  }
  if (loaderSaturated) {
    const why = trialHostPauses ? hostPauseExplanation(trialHostPauses, 'right after this trial', lagLimitUs) : hostPauseExplanation(hostPauses, undefined, lagLimitUs);
    reasons.push(`the load generator fell behind its schedule (scheduler lag P99 over load.schedulerLagLimit): its own delay is in the latency${why ? `; ${why}` : ''}`);
  }
  if (load.mode === 'max' && loaderCpuCores !== null && loaderCpuCores >= LOADER_CPU_LIMIT_CORES) {
    reasons.push(`the load generator used ${Math.round(loaderCpuCores * 100)}% of a core: in closed loop its own queueing is in the latency`);
  }
  return reasons;
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.01 ? 2 : 1)}%`;
}
