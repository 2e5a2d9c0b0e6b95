/**
 * The documented shape of `--json` output (docs/json-output.md), one schema per command. The
 * renderers in json.ts are typed by these, and test/report/json.test.ts parses real output with
 * them, so the page, the code and the output cannot drift apart. Each document names its kind
 * and version: a change that breaks a reader bumps the version.
 */
import { z } from 'zod';

export const JSON_OUTPUT_VERSION = 1;
const version = z.literal(JSON_OUTPUT_VERSION);

const Level = z.strictObject({ id: z.string(), connections: z.number().int(), targetRps: z.number().nullable() });
/** Median and range over valid repetitions. */
const Spread = z.strictObject({ median: z.number(), min: z.number(), max: z.number(), n: z.number().int() });
/** A paired estimate: median of the per-repetition differences, its 95 % interval, pairs. */
const Estimate = z.strictObject({ estimate: z.number(), low: z.number(), high: z.number(), n: z.number().int(), firm: z.boolean() });
const Issue = z.strictObject({ what: z.string(), where: z.string(), path: z.string(), fix: z.string().nullable() });

export const PlanJson = z.strictObject({
  kind: z.literal('meshbench.plan'),
  version,
  scenario: z.strictObject({ name: z.string(), file: z.string(), platform: z.string(), target: z.string().nullable(), meshes: z.array(z.string()), repetitions: z.number().int() }),
  trials: z.array(z.strictObject({ index: z.number().int(), mesh: z.string(), level: Level, repetition: z.number().int() })),
  estimatedMs: z.number(),
  perTrialMs: z.number(),
  needs: z.strictObject({ peakConnections: z.number().int(), peakRateRps: z.number().nullable(), processesPerTrial: z.number().int(), fileDescriptors: z.number().int() }),
  /** The layout the run would take on this machine and why; null when none can be had. */
  layout: z.strictObject({ name: z.string(), reason: z.string() }).nullable(),
  /** Checked when the plan was made: what the run needs here. */
  prerequisites: z.array(z.strictObject({ what: z.string(), ok: z.boolean(), detail: z.string(), fix: z.string().nullable() })),
  /** Every prerequisite is met (the exit code is 2 otherwise). */
  ready: z.boolean(),
});

export const ValidateJson = z.strictObject({
  kind: z.literal('meshbench.validate'),
  version,
  /** Every file is valid. */
  valid: z.boolean(),
  files: z.array(
    z.strictObject({
      file: z.string(),
      valid: z.boolean(),
      /** Trials the file plans; null when it is not valid. */
      trials: z.number().int().nullable(),
      /** What makes it invalid, every problem at once. */
      issues: z.array(Issue),
      /** Valid, but asks for something this build cannot run yet. */
      notes: z.array(Issue),
    }),
  ),
});

export const CompareJson = z.strictObject({
  kind: z.literal('meshbench.compare'),
  version,
  /** The worst verdict; inconclusive is its own outcome, never a pass (`failed` and `exitCode` say what it cost). */
  outcome: z.enum(['pass', 'regression', 'inconclusive', 'no-data']),
  failed: z.boolean(),
  exitCode: z.number().int(),
  /** The level a firm verdict needed. */
  confidence: z.number(),
  baseline: z.strictObject({ description: z.string(), runs: z.number().int(), leftOut: z.array(z.string()) }),
  candidate: z.strictObject({ runId: z.string(), scenarioName: z.string() }),
  /** Environment differences between the two sides (`bench compare` shows them all). */
  differences: z.array(z.strictObject({ what: z.string(), baseline: z.string(), candidate: z.string(), blocking: z.boolean() })),
  /** Blocking differences waived with --allow-env-diff / --allow-scenario-diff. */
  waived: z.boolean(),
  inconclusive: z.enum(['pass', 'fail']),
  /** One per gate, mesh and level. */
  results: z.array(
    z.strictObject({
      /** The gate as written: `p99 < +10%`. */
      gate: z.string(),
      mesh: z.string(),
      level: z.string(),
      baseline: z.number().nullable(),
      candidate: z.number().nullable(),
      /** `level`: the coverage this interval really has at its n. */
      interval: z.strictObject({ estimate: z.number(), low: z.number(), high: z.number(), level: z.number() }).nullable(),
      verdict: z.enum(['pass', 'regression', 'inconclusive', 'no-data']),
      note: z.string().nullable(),
      /** The smallest change this run could have called firm (null: none at this n), and whether that is coarser than the threshold. */
      smallestFirmChange: z.number().nullable(),
      coarserThanThreshold: z.boolean(),
      /** Where each side's figures came from. */
      sources: z.strictObject({ baseline: z.string(), candidate: z.string() }),
      baselineSamples: z.number().int(),
      candidateSamples: z.number().int(),
    }),
  ),
});

export const RunJson = z.strictObject({
  kind: z.literal('meshbench.run'),
  version,
  runId: z.string(),
  status: z.enum(['running', 'completed', 'interrupted', 'failed']),
  /** The results folder (result.json and the reports). */
  resultDir: z.string(),
  exitCode: z.number().int(),
  overrides: z.array(z.strictObject({ flag: z.string(), path: z.string(), value: z.union([z.string(), z.number(), z.array(z.string()), z.array(z.number())]) })),
  /** The headline sentences, as report.html opens with them. */
  headline: z.array(z.string()),
  /** Said when a mesh ran as an emulation; null otherwise. */
  emulationBanner: z.string().nullable(),
  baselineMesh: z.string().nullable(),
  /** One per mesh and load level, in scenario order; latency in µs, CPU in cores, memory in bytes. */
  cells: z.array(
    z.strictObject({
      mesh: z.string(),
      meshLabel: z.string(),
      level: Level,
      trials: z.strictObject({ valid: z.number().int(), invalid: z.number().int(), failed: z.number().int(), aborted: z.number().int() }),
      p50Us: Spread.nullable(),
      p99Us: Spread.nullable(),
      rps: Spread.nullable(),
      sidecarCpuCores: Spread.nullable(),
      sidecarMemoryBytes: Spread.nullable(),
      /** `load.mode: bandwidth` only (null otherwise): bits per second the sink received, proxies' cores per Gbit/s. */
      throughputBitsPerSecond: Spread.nullable(),
      sidecarCpuCoresPerGbps: Spread.nullable(),
      nodeProxyCpuCoresPerGbps: Spread.nullable(),
      /** Over the baseline mesh, paired by repetition; null for the baseline itself. */
      added: z
        .strictObject({ p50Us: Estimate.nullable(), p99Us: Estimate.nullable(), throughputChange: Estimate.nullable(), appCpuCores: Estimate.nullable(), bandwidthChange: Estimate.nullable() })
        .nullable(),
    }),
  ),
});

export type PlanJson = z.infer<typeof PlanJson>;
export type ValidateJson = z.infer<typeof ValidateJson>;
export type CompareJson = z.infer<typeof CompareJson>;
export type RunJson = z.infer<typeof RunJson>;
