/**
 * The redline figures, computed once from result.json's trials: what each search step said of the
 * objective, why each search stopped, each mesh's redline with an interval from its repeated
 * searches (the sign-test interval of intervals.ts, with the level it really has), the capacity
 * the mesh loses against `none`, and the proxies' cores per 1000 rps at the redline. Reports
 * only format these.
 */
import { BASELINE_MESH } from '../meshes/index.ts';
import { bracket, nextStep, type SearchEnd, type SearchStep } from '../scenario/redline-plan.ts';
import type { RedlineObjective } from '../scenario/resolve.ts';
import { medianInterval, shiftInterval, type Interval } from './compare/intervals.ts';
import { trialMetric } from './metrics.ts';
import { isMeasured, type MeasuredTrial, type RunResult, type TrialResult } from './model.ts';
import { isLoaderReason, RATE_TOLERANCE } from './validity.ts';
import type { MeshRedline } from './redline-types.ts';

export type { MeshRedline } from './redline-types.ts';

/** A step's verdict: held or broke the objective, or could not say (the loader's limit, a failed trial). */
export type StepJudgement = { verdict: 'held' | 'broke' | 'loader-limited' | 'failed'; why: string };

export function judgeStep(t: TrialResult, o: RedlineObjective): StepJudgement {
  if (!isMeasured(t)) return { verdict: 'failed', why: t.status === 'failed' ? `the trial failed at ${t.stage}: ${t.error.what}` : 'the run was interrupted' };
  const loader = t.reasons.find(isLoaderReason);
  if (loader) return { verdict: 'loader-limited', why: loader };
  const l = t.load;
  const attempts = l.responses2xx + l.responsesNon2xx + l.errors;
  if (l.responses2xx === 0) return { verdict: 'broke', why: 'no 2xx response' };
  const failed = attempts > 0 ? (l.responsesNon2xx + l.errors) / attempts : 0;
  if (failed > o.errorFraction) return { verdict: 'broke', why: `failed requests ${pct(failed)} over the objective ${pct(o.errorFraction)}` };
  const completedRps = l.durationMs > 0 ? ((l.responses2xx + l.responsesNon2xx) * 1_000) / l.durationMs : 0;
  if (l.targetRps !== null && completedRps < l.targetRps * (1 - RATE_TOLERANCE)) {
    return { verdict: 'broke', why: `completed ${completedRps.toFixed(1)} rps of ${l.targetRps}` };
  }
  const p99Us = t.latency.p99Us ?? Number.POSITIVE_INFINITY;
  if (p99Us > o.p99Us) return { verdict: 'broke', why: `P99 ${ms(p99Us)} over the objective ${ms(o.p99Us)}` };
  return { verdict: 'held', why: `P99 ${ms(p99Us)}, failed ${pct(failed)}` };
}

/** One step of a search as the reports show it. */
export interface RedlinePoint {
  /** Position of the trial in result.json's `trials`. */
  trialIndex: number;
  rateRps: number;
  /** Null when the trial measured nothing. */
  p99Us: number | null;
  status: TrialResult['status'];
  verdict: StepJudgement['verdict'];
  why: string;
}

export interface RedlineSearch {
  mesh: string;
  /** The repetition this search is (1-based). */
  repetition: number;
  points: RedlinePoint[];
  /** `unfinished`: the run ended while the search still had steps to take. */
  end: SearchEnd | 'unfinished';
  heldRps: number | null;
  brokeRps: number | null;
  /** What this search says the redline is: the highest rate that held below the lowest that broke. */
  redlineRps: number | null;
  /** The last step's loader fell behind for the first time at this rate: the search runs it again. */
  retryRps: number | null;
}

const redlineTrials = (result: RunResult, mesh: string, repetition: number) =>
  result.trials.map((t, i) => ({ t, i })).filter(({ t }) => t.trial.mesh === mesh && t.trial.repetition === repetition && t.trial.redline !== undefined);

/** Replays each search of `mesh` over its trials with the rules the run used. */
export function redlineSearches(result: RunResult, mesh: string): RedlineSearch[] {
  const o = result.scenario.load.redline;
  if (!o) return [];
  const repetitions = [...new Set(result.trials.filter((t) => t.trial.mesh === mesh && t.trial.redline).map((t) => t.trial.repetition))].sort((a, b) => a - b);
  return repetitions.map((repetition) => {
    const trials = redlineTrials(result, mesh, repetition);
    const points = trials.map(({ t, i }): RedlinePoint => {
      const j = judgeStep(t, o);
      return { trialIndex: i, rateRps: t.trial.level.targetRps ?? 0, p99Us: isMeasured(t) ? t.latency.p99Us : null, status: t.status, verdict: j.verdict, why: j.why };
    });
    const steps: SearchStep[] = points.flatMap((p) => (p.verdict === 'held' || p.verdict === 'broke' ? [{ rateRps: p.rateRps, verdict: p.verdict }] : []));
    const last = points.at(-1);
    const before = points.at(-2);
    let end: RedlineSearch['end'];
    // A loader that fell behind once may have been paused by a neighbour; behind twice running at
    // one rate, it is the limit.
    const retryRps = last?.verdict === 'loader-limited' && !(before?.verdict === 'loader-limited' && before.rateRps === last.rateRps) ? last.rateRps : null;
    if (retryRps !== null) end = 'unfinished';
    else if (last?.verdict === 'loader-limited') end = 'loader-limited';
    else if (last?.verdict === 'failed') end = 'failed';
    else {
      const next = steps.length ? nextStep(o, steps, trials[0]!.t.trial.redline!.growth) : null;
      end = next && 'end' in next ? next.end : 'unfinished';
    }
    const { heldRps, brokeRps } = bracket(steps);
    const redlineRps = end === 'converged' || end === 'budget' || end === 'above-max' ? heldRps : null;
    return { mesh, repetition, points, end, heldRps, brokeRps, redlineRps, retryRps };
  });
}

/**
 * What gates read: each search's redline by repetition (searches that found none are left out; a
 * mesh stopped by the load generator has no figure at all).
 */
export function searchRedlines(result: RunResult, mesh: string): Map<number, number> {
  const searches = redlineSearches(result, mesh);
  if (searches.some((s) => s.end === 'loader-limited')) return new Map();
  return new Map(searches.flatMap((s) => (s.redlineRps === null ? [] : [[s.repetition, s.redlineRps] as const])));
}

/** Each mesh's redline, in the scenario's mesh order; empty when the run is not a redline search. */
export function meshRedlines(result: RunResult): MeshRedline[] {
  const o = result.scenario.load.redline;
  if (!o) return [];
  const searches = new Map(result.scenario.meshes.map((m) => [m, redlineSearches(result, m)]));
  const values = (mesh: string) => (searches.get(mesh) ?? []).flatMap((s) => (s.redlineRps === null ? [] : [s.redlineRps]));
  const baseline = values(BASELINE_MESH);
  return result.scenario.meshes.map((mesh) => {
    const own = searches.get(mesh) ?? [];
    const found = values(mesh);
    const limited = own.find((s) => s.end === 'loader-limited');
    const loaderLimitedAtRps = limited ? limited.points.at(-1)!.rateRps : null;
    // A mesh the load generator stopped has no redline, so no figure at it either.
    const atRedline = loaderLimitedAtRps === null ? heldStepsAtRedline(result, own) : [];
    return {
      mesh,
      redlineRps: found.length && loaderLimitedAtRps === null ? medianInterval(found) : null,
      searchRedlinesRps: own.map((s) => s.redlineRps),
      atLeast: own.some((s) => s.end === 'above-max'),
      loaderLimitedAtRps,
      stopped: stoppedInWords(own, o, result.scenario.load.workers, result.scenario.platform),
      ends: own.map((s) => s.end),
      capacityLost: mesh !== BASELINE_MESH && found.length && baseline.length && loaderLimitedAtRps === null ? lostInterval(baseline, found) : null,
      sidecarCoresPerKrps: medianOf(atRedline.map((t) => trialMetric(t, 'sidecar_cpu_per_krps'))),
      nodeProxyCoresPerKrps: medianOf(atRedline.map((t) => trialMetric(t, 'node_proxy_cpu_per_krps'))),
    };
  });
}

/** 1 − mesh/none from the shift of log rates: a ratio interval that does not assume pairs. */
function lostInterval(baseline: number[], mesh: number[]): Interval {
  const shift = shiftInterval(baseline.map(Math.log), mesh.map(Math.log));
  return { estimate: 1 - Math.exp(shift.estimate), low: 1 - Math.exp(shift.high), high: 1 - Math.exp(shift.low), level: shift.level };
}

function heldStepsAtRedline(result: RunResult, searches: readonly RedlineSearch[]): MeasuredTrial[] {
  return searches.flatMap((s) =>
    s.points.filter((p) => p.verdict === 'held' && p.rateRps === s.redlineRps).flatMap((p) => {
      const t = result.trials[p.trialIndex]!;
      return t.status === 'valid' ? [t] : [];
    }),
  );
}

function medianOf(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length ? medianInterval(present).estimate : null;
}

function stoppedInWords(searches: readonly RedlineSearch[], o: RedlineObjective, workers: number, platform: string): string {
  const limited = searches.find((s) => s.end === 'loader-limited');
  if (limited) {
    const at = limited.points.at(-1)!.rateRps;
    const more = platform === 'kubernetes' ? 'more load pods (`load.pods`) or workers per pod (`load.workers`)' : `more pacing threads (\`load.workers: ${workers + 1}\` or more, each with a connection) or a machine with more cores`;
    return `limited by the load generator at ${at} rps: the loader could not keep its schedule, so this is not the mesh's limit; give it ${more}`;
  }
  if (searches.length === 0) return 'no search ran';
  const counts = new Map<string, number>();
  for (const s of searches) counts.set(s.end, (counts.get(s.end) ?? 0) + 1);
  const words: Record<RedlineSearch['end'], string> = {
    converged: `converged within ${pct(o.tolerance)}`,
    budget: `ran out of its ${o.maxSteps}-step budget first (raise redline.steps or redline.tolerance)`,
    'above-max': `held at max ${o.maxRps} rps (the redline is at least that; raise redline.max)`,
    'below-min': `broke the objective at min ${o.minRps} rps (lower redline.min)`,
    'loader-limited': 'was limited by the load generator',
    failed: 'ended on a failed trial',
    unfinished: 'was cut short (the run ended)',
  };
  return [...counts].map(([end, n]) => `${n} of ${searches.length} search(es) ${words[end as RedlineSearch['end']]}`).join('; ');
}

const pct = (f: number) => `${(f * 100).toFixed(f < 0.01 ? 2 : 1)}%`;
const ms = (us: number) => `${(us / 1000).toFixed(us < 10_000 ? 2 : 1)}ms`;
