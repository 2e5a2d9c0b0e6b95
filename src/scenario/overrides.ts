/**
 * Values given on the command line for one run (`bench run --rate 500 --duration 30s ...`), set
 * into the scenario before it is validated, so the schema, defaults and rules judge the run as it
 * will be; the result records them beside the scenario they changed (RunResult.overrides).
 */
import type { Path } from './yaml-nodes.ts';

export interface ScenarioOverride {
  /** As typed: `--rate`. */
  flag: string;
  /** Where in the scenario it goes: ['load', 'rate']. */
  path: Path;
  value: string | number | string[];
}

/** "--rate 500 (load.rate)" for messages and reports. */
export function overrideInWords(o: { flag: string; path: string | Path; value: unknown }): string {
  const path = typeof o.path === 'string' ? o.path : o.path.join('.');
  return `${o.flag} ${Array.isArray(o.value) ? o.value.join(',') : String(o.value)} (${path})`;
}
