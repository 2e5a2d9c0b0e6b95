/**
 * What a host-pause probe (run/host-pauses.ts: the run's, or the one taken right after a trial
 * that fell behind) says of a trial that was invalid for loader lag, in words every output can show as they are: a lag P99 over the limit on a machine
 * that stops running threads often is the machine's doing, not the loader's, and no pacing fixes it.
 */
import { VALIDITY_DEFAULTS } from '../scenario/schema.ts';
import type { HostPauses } from './model.ts';

/**
 * At or above this share of the time spent in pauses, one due time in a hundred or more falls
 * inside a pause and is late by what is left of it: a lag P99 then measures the machine.
 */
export const PAUSES_EXPLAIN_LAG_PCT = 1;
/** The scenario default of `load.schedulerLagLimit`, µs. */
export const DEFAULT_LAG_LIMIT_US = VALIDITY_DEFAULTS.schedulerLagLimitUs;

const pct = (n: number) => (n >= 10 ? n.toFixed(0) : n.toFixed(1));
const us = (n: number) => `${Math.round(n).toLocaleString('en-US')} µs`;

type ProbeWhen = "at the run's start" | 'right after this trial';

/**
 * One line about the machine's pauses for a loader that fell behind, or null when the probe saw
 * too few to matter. Pauses all shorter than the lag limit cannot by themselves put a send past
 * it: then the line says so, and points at what is left (the CPU the run's own processes took).
 */
export function hostPauseExplanation(p: HostPauses | undefined, when: ProbeWhen = "at the run's start", lagLimitUs: number = DEFAULT_LAG_LIMIT_US): string | null {
  if (!p || p.pausedPct < PAUSES_EXPLAIN_LAG_PCT) return null;
  const guestPct = Math.min(p.pausedPct, p.runQueuePct ?? 0);
  const hostPct = p.pausedPct - guestPct;
  const shape = `P50 ${us(p.pauseP50Us)}, P99 ${us(p.pauseP99Us)}; probed for ${(p.durationMs / 1_000).toFixed(1)} s ${when}`;
  if (p.pauseMaxUs < lagLimitUs) {
    return `the machine's pauses do not explain it: the probe ${when} saw this machine's running threads stopped ${pct(p.pausedPct)} % of the time, but never longer than ${us(p.pauseMaxUs)}, under the ${us(lagLimitUs)} limit; the loader was more likely short of CPU beside the run's own processes (lower the rate, or give the machine more cores)`;
  }
  const advice = lagLimitUs > DEFAULT_LAG_LIMIT_US ? `the limit is already raised to ${us(lagLimitUs)}` : 'or raise load.schedulerLagLimit, which the report will then state';
  const join = lagLimitUs > DEFAULT_LAG_LIMIT_US ? '; ' : ' ';
  if (hostPct >= guestPct) {
    return `the host paused this machine's running threads ${pct(p.pausedPct)} % of the time (${shape}): the loader cannot be on time here; use a dedicated-CPU machine${join}${advice}`;
  }
  return `other processes on this machine kept a running thread waiting for a CPU ${pct(guestPct)} % of the time (all pauses ${pct(p.pausedPct)} %, ${shape}): the loader cannot be on time here; run on an idle machine${join}${advice}`;
}
