/**
 * Rules across fields, run once the schema has passed (changesets' rules.ts): one function each,
 * returning problems with the paths they concern, the first one present in the file locating it.
 */
import type { ScenarioInput } from './schema.ts';

export interface RuleIssue {
  /** Candidate locations, most specific first; a defaulted key is not in the file. */
  paths: (string | number)[][];
  what: string;
  fix: string;
}

type Rule = (s: ScenarioInput) => RuleIssue | undefined;

const meshesOnce: Rule = (s) => {
  const index = s.meshes.findIndex((m, i) => s.meshes.indexOf(m) !== i);
  if (index < 0) return undefined;
  return { paths: [['meshes', index]], what: `mesh "${s.meshes[index]}" is listed twice`, fix: 'list each mesh once; use `repetitions` to run it more often' };
};

const rateModeHasRates: Rule = (s) =>
  s.load.mode === 'rate' && s.load.rate === undefined
    ? { paths: [['load', 'mode']], what: 'mode `rate` needs `load.rate`', fix: 'add `rate: 1000` (requests per second) under `load`, or use `mode: max`' }
    : undefined;

const maxModeHasNoRates: Rule = (s) =>
  s.load.mode === 'max' && s.load.rate !== undefined
    ? { paths: [['load', 'rate']], what: '`rate` is only used with `mode: rate`', fix: 'remove `rate`, or set `mode: rate` to run at fixed rates' }
    : undefined;

const budgetCoversInjectedErrors: Rule = (s) =>
  s.load.errorBudget < s.workload.errorRate
    ? {
        paths: [['load', 'errorBudget'], ['workload', 'errorRate']],
        what: `load.errorBudget ${s.load.errorBudget} is below workload.errorRate ${s.workload.errorRate}: every trial would be invalid`,
        fix: `raise load.errorBudget to at least ${s.workload.errorRate}`,
      }
    : undefined;

export const rules: readonly Rule[] = [meshesOnce, rateModeHasRates, maxModeHasNoRates, budgetCoversInjectedErrors];

export function checkRules(s: ScenarioInput): RuleIssue[] {
  return rules.map((rule) => rule(s)).filter((i): i is RuleIssue => i !== undefined);
}
