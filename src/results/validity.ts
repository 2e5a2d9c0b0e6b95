/**
 * When a trial's numbers cannot be trusted (DESIGN.md "Measurement rules"): it is kept, flagged
 * invalid with the reasons, and left out of comparisons.
 */
import type { LoadFigures } from './model.ts';

/** Achieved rate may miss the target by at most this fraction. */
export const RATE_TOLERANCE = 0.01;

export interface ValidityInput {
  load: LoadFigures;
  errorBudget: number;
  loaderSaturated: boolean;
}

export function invalidReasons({ load, errorBudget, loaderSaturated }: ValidityInput): string[] {
  const reasons: string[] = [];
  const attempts = load.responses2xx + load.responsesNon2xx + load.errors;
  if (load.responses2xx === 0) reasons.push('no successful (2xx) response in the measured window');
  if (attempts > 0) {
    const failedFraction = (load.responsesNon2xx + load.errors) / attempts;
    if (failedFraction > errorBudget) {
      reasons.push(`failed requests ${percent(failedFraction)} exceed the error budget ${percent(errorBudget)}`);
    }
  }
  if (load.targetRps !== null && load.achievedRps < load.targetRps * (1 - RATE_TOLERANCE)) {
    reasons.push(`achieved ${load.achievedRps.toFixed(1)} rps, more than ${percent(RATE_TOLERANCE)} under the target ${load.targetRps} rps`);
  }
  if (loaderSaturated) reasons.push('the load generator was saturated: its own queueing is in the latency');
  return reasons;
}

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.01 ? 2 : 1)}%`;
}
