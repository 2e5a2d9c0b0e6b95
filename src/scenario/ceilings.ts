/**
 * Ceilings on what a scenario may ask for, and what a plan will need. Hard ceilings are in the
 * schema (refused outright, with the ceiling in the message); soft ones are what a plan may reach
 * only on purpose: `bench run` refuses them unless `--i-mean-it` is given. All are documented in
 * docs/reliability.md; a typo such as `duration: 100000h` must not start a run that ends in 11 years.
 */
const HOUR_MS = 3_600_000;

/** Refused by the schema. */
export const HARD_CEILINGS = {
  /** The measured window of one trial. */
  durationMs: 24 * HOUR_MS,
  warmupMs: HOUR_MS,
  /** The latency histograms end at 60 s: a longer timeout could not be recorded. */
  timeoutMs: 60_000,
  serviceDelayMs: 60_000,
  sampleIntervalMs: 60_000,
  /** A fault longer than a day is not a fault. */
  faultMs: 24 * HOUR_MS,
  /** Scenario files: bytes read at most, and how deep mappings and lists may nest. */
  fileBytes: 1024 * 1024,
  nestingDepth: 64,
} as const;

/** Refused by `bench run` unless `--i-mean-it`. */
export const SOFT_CEILINGS = {
  /** Estimated length of the whole run. */
  runMs: 24 * HOUR_MS,
  trials: 1_000,
  /** Open connections at once, across levels: each one costs file descriptors in every hop. */
  connections: 2_000,
  rateRps: 100_000,
} as const;
