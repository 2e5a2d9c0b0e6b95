/** The command line's overrides of a run, said wherever the scenario's values are shown. */
import type { RunResult } from '../results/model.ts';
import { overrideInWords } from '../scenario/overrides.ts';

/** "Overrides (command line): --rate 500 (load.rate), --reps 1 (repetitions)"; one flag may set two paths. */
export function overridesLine(overrides: NonNullable<RunResult['overrides']>): string {
  const shown = overrides.filter((o) => !(o.flag === '--rate' && o.path === 'load.mode'));
  return `Overrides (command line): ${shown.map(overrideInWords).join(', ')}`;
}
