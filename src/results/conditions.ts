/**
 * The conditions a run ran under, as the reports state them: from the scenario for a measured run;
 * from the files for an imported one, where what they do not record is unknown (null), never the
 * defaults of a scenario that never ran.
 */
import type { ResolvedScenario } from '../scenario/resolve.ts';
import { VALIDITY_DEFAULTS } from '../scenario/schema.ts';
import { isMeasured, type RunResult } from './model.ts';

export interface RunConditions {
  platform: string;
  repetitions: number;
  durationMs: number | null;
  warmupMs: number | null;
  /** Null when not known (an imported file that does not say when it ran). */
  startedAt: string | null;
}

export function runConditions(result: RunResult): RunConditions {
  const s = result.scenario;
  if (result.source.kind !== 'imported') {
    return { platform: s.platform, repetitions: s.repetitions, durationMs: s.load.durationMs, warmupMs: s.load.warmupMs, startedAt: result.startedAt };
  }
  const durations = [...new Set(result.trials.filter(isMeasured).map((t) => t.load.durationMs).filter((d) => d > 0))];
  const repetitions = Math.max(0, ...result.trials.map((t) => t.trial.repetition));
  return {
    platform: result.environment.platform,
    repetitions,
    durationMs: durations.length === 1 ? durations[0]! : null,
    warmupMs: null,
    startedAt: Number.isNaN(Date.parse(result.startedAt)) ? null : result.startedAt,
  };
}

/** What the memory figures are: a process's resident set (local), or the kubelet's working set. */
export function memoryMeasure(result: RunResult): 'RSS' | 'working set' {
  return result.environment.platform === 'kubernetes' ? 'working set' : 'RSS';
}

const DEFAULT_LAG_LIMIT_US = VALIDITY_DEFAULTS.schedulerLagLimitUs;
const DEFAULT_ERROR_BUDGET = VALIDITY_DEFAULTS.errorBudget;

/**
 * Validity rules a scenario loosened, as caveats: a reader must know that "valid" meant less here.
 * `bench run` puts them in the environment's caveats, which every output states.
 */
export function loosenedRules(scenario: ResolvedScenario): string[] {
  const load = scenario.load;
  const out: string[] = [];
  if (load.mode === 'rate' && load.schedulerLagLimitUs > DEFAULT_LAG_LIMIT_US) {
    out.push(`Validity loosened: load.schedulerLagLimit is ${load.schedulerLagLimitUs / 1000} ms (default ${DEFAULT_LAG_LIMIT_US / 1000} ms): trials whose loader was up to that late at P99 count as valid, and that lateness is in their latency.`);
  }
  if (load.errorBudget > DEFAULT_ERROR_BUDGET) out.push(`Validity loosened: load.errorBudget is ${(load.errorBudget * 100).toFixed(1)} % (default ${DEFAULT_ERROR_BUDGET * 100} %): trials with that share of failed requests count as valid.`);
  return out;
}

/**
 * A workload that speaks TLS itself (`https`, `h2`), as a caveat when a mesh was in its way: the
 * sidecars and ztunnels carried the workload's TLS as bytes inside TCP, so none of their HTTP
 * features (routing, retries, per-request metrics and policies) applied, and what they cost is
 * what an L4 proxy costs. `bench run` puts it in the environment's caveats, which every output states.
 */
export function workloadTlsCaveats(scenario: ResolvedScenario): string[] {
  const protocol = scenario.workload.protocol;
  if ((protocol !== 'https' && protocol !== 'h2') || scenario.meshes.every((m) => m === 'none')) return [];
  return [`TLS to the workload (${protocol}: ${protocol === 'h2' ? 'HTTP/2' : 'HTTP/1.1'} over the workload's own TLS): the meshes saw TLS inside TCP and carried it as TCP, so their HTTP (L7) features did not apply; their cost here is that of an L4 proxy.`];
}
