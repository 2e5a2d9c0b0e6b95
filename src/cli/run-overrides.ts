/**
 * `bench run`'s quick path and overrides: `--url URL --rate 1000 --connections 4 --duration 30s
 * --reps 3` runs with no YAML (platform `external`, mesh `none`, as `wrk2 -R1000 -c4 -d30s URL`
 * does), and the same flags change a scenario's values for one run. Each flag is checked here with
 * its own message; the scenario's schema and rules then judge the run as it will be.
 */
import { resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { isDuration } from '../scenario/duration.ts';
import type { ScenarioOverride } from '../scenario/overrides.ts';
import { parseScenario, readScenarioFile } from '../scenario/parse.ts';
import { resolveScenario } from '../scenario/resolve.ts';
import { stringFlag, type Flags, type OptionSpec } from './command.ts';
import type { LoadedScenario } from './scenario-input.ts';

export const RUN_OVERRIDE_OPTIONS: readonly OptionSpec[] = [
  { name: 'url', type: 'string', value: 'URL', description: 'load this URL, deploying nothing (platform external, mesh none); with no SCENARIO, a quick run with no YAML' },
  { name: 'rate', type: 'string', value: 'RPS', description: 'open-loop target rate for this run (sets load.mode rate and load.rate); a comma list makes one level each' },
  { name: 'connections', type: 'string', value: 'N', description: 'connections for this run (load.connections); a comma list makes one level each' },
  { name: 'duration', type: 'string', value: 'DURATION', description: 'measured window of each trial for this run, e.g. 30s (load.duration)' },
  { name: 'warmup', type: 'string', value: 'DURATION', description: 'warmup before each window for this run, e.g. 2s (load.warmup)' },
  { name: 'reps', type: 'string', value: 'N', description: 'repetitions for this run (repetitions)' },
];

/** The scenario a quick run stands on; the flags fill in the rest. */
const QUICK_SCENARIO = 'name: quick\nplatform: external\nmeshes: [none]\nload:\n  mode: rate\n  rate: 1000\n  duration: 10s\n';
export const QUICK_SCENARIO_FILE = '(command line)';

function positiveIntegers(flag: string, text: string, example: string): number[] {
  const values = text.split(',').map((v) => v.trim());
  const bad = values.find((v) => !/^\d+$/.test(v) || Number(v) < 1);
  if (bad !== undefined) throw new UsageError({ what: `${flag} takes whole numbers of at least 1${flag === '--rate' ? ' (requests per second)' : ''}, not "${bad}"`, where: `bench run ${flag} ${text}`, fix: `${flag} ${example}` });
  return values.map(Number);
}

function durationFlag(flag: string, text: string): string {
  if (!isDuration(text)) throw new UsageError({ what: `${flag} takes a duration with its unit, not "${text}"`, where: `bench run ${flag} ${text}`, fix: `${flag} 30s (units: us, ms, s, m, h)` });
  return text;
}

const one = <T>(values: T[]): T | T[] => (values.length === 1 ? values[0]! : values);

/** The overrides the flags ask for, each checked; empty when none is given. */
export function runOverrides(flags: Flags): ScenarioOverride[] {
  const out: ScenarioOverride[] = [];
  const url = stringFlag(flags, 'url');
  if (url !== undefined) {
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new UsageError({ what: `--url takes an http:// or https:// URL, not "${url}"`, where: 'bench run --url', fix: '--url http://127.0.0.1:8080/' });
    out.push({ flag: '--url', path: ['target'], value: url });
  }
  const rate = stringFlag(flags, 'rate');
  if (rate !== undefined) {
    out.push({ flag: '--rate', path: ['load', 'mode'], value: 'rate' });
    out.push({ flag: '--rate', path: ['load', 'rate'], value: one(positiveIntegers('--rate', rate, '1000')) as number });
  }
  const connections = stringFlag(flags, 'connections');
  if (connections !== undefined) out.push({ flag: '--connections', path: ['load', 'connections'], value: one(positiveIntegers('--connections', connections, '4')) as number });
  const duration = stringFlag(flags, 'duration');
  if (duration !== undefined) out.push({ flag: '--duration', path: ['load', 'duration'], value: durationFlag('--duration', duration) });
  const warmup = stringFlag(flags, 'warmup');
  if (warmup !== undefined) out.push({ flag: '--warmup', path: ['load', 'warmup'], value: durationFlag('--warmup', warmup) });
  const reps = stringFlag(flags, 'reps');
  if (reps !== undefined) out.push({ flag: '--reps', path: ['repetitions'], value: positiveIntegers('--reps', reps, '3')[0]! });
  if (reps?.includes(',')) throw new UsageError({ what: `--reps takes one number, not "${reps}"`, where: 'bench run --reps', fix: '--reps 3' });
  return out;
}

/**
 * The scenario of a run: the file with the flags' values set in, or with no file the quick
 * scenario (which needs --url). `--url` on a file needs the file's platform to be `external`.
 */
export async function loadRunScenario(file: string | undefined, flags: Flags, cwd: string): Promise<LoadedScenario & { overrides: ScenarioOverride[] }> {
  const overrides = runOverrides(flags);
  if (file === undefined) {
    if (stringFlag(flags, 'url') === undefined) throw new UsageError({ what: '`bench run` needs a SCENARIO file, or --url URL for a quick run', fix: 'bench run scenarios/http-basic.yaml, or bench run --url http://127.0.0.1:8080/ --rate 1000 --connections 4 --duration 30s' });
    const parsed = parseScenario(QUICK_SCENARIO, QUICK_SCENARIO_FILE, overrides);
    return { parsed, scenario: resolveScenario(parsed.input), overrides };
  }
  if (stringFlag(flags, 'url') !== undefined) {
    // Said before the file is checked with the URL in it, which would only say `target` is misplaced.
    const { platform } = (await readScenarioFile(resolve(cwd, file), file)).input;
    if (platform !== 'external') throw new UsageError({ what: `--url loads a URL and deploys nothing, but ${file} deploys on platform \`${platform}\``, where: 'bench run --url', fix: `drop --url to run ${file} as written, or drop the file for a quick run of the URL` });
  }
  const parsed = await readScenarioFile(resolve(cwd, file), file, overrides);
  return { parsed, scenario: resolveScenario(parsed.input), overrides };
}
