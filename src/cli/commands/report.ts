/** `bench report RESULT [--format ...] [--output DIR]`: every report again from result.json alone. */
import { dirname, relative, resolve } from 'node:path';
import { ExitCode, UsageError } from '../../errors.ts';
import { DEFAULT_COST, REPORT_FORMATS, type CostAssumptions, type ReportFormat } from '../../report/index.ts';
import { resolveResultFile } from '../../results/compare/index.ts';
import { readResult } from '../../results/store.ts';
import { writeReports } from '../../run/outputs.ts';
import { stringFlag, type Command, type Flags } from '../command.ts';
import { COST_OPTIONS, OUTPUT_OPTION } from '../options.ts';

export function parseFormats(value: string | undefined): ReportFormat[] {
  if (value === undefined) return REPORT_FORMATS;
  const asked = value.split(',').map((f) => f.trim()).filter(Boolean);
  const unknown = asked.filter((f) => !(REPORT_FORMATS as string[]).includes(f));
  if (unknown.length || asked.length === 0) {
    throw new UsageError({ what: `unknown report format "${unknown.join(', ') || value}"`, fix: `use a comma-separated list of: ${REPORT_FORMATS.join(', ')}` });
  }
  return asked as ReportFormat[];
}

function positive(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!(n >= 0) || !Number.isFinite(n)) throw new UsageError({ what: `${flag} must be a number of at least 0, not "${value}"`, fix: `${flag} ${fallback}` });
  return n;
}

export function costAssumptions(flags: Flags): CostAssumptions {
  return {
    pods: positive(stringFlag(flags, 'pods'), '--pods', DEFAULT_COST.pods),
    usdPerVcpuHour: positive(stringFlag(flags, 'usd-per-vcpu-hour'), '--usd-per-vcpu-hour', DEFAULT_COST.usdPerVcpuHour),
    usdPerGibHour: positive(stringFlag(flags, 'usd-per-gib-hour'), '--usd-per-gib-hour', DEFAULT_COST.usdPerGibHour),
  };
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'write the reports again from a result.json alone (html, md, csv, junit, hlog)',
  usage: 'RESULT',
  args: { min: 1, max: 1, example: 'bench report results/20261122T093000Z-http-basic/' },
  options: [
    { name: 'format', type: 'string', value: 'F,..', description: `which reports: ${REPORT_FORMATS.join(', ')} (all)` },
    OUTPUT_OPTION('where to write them (the result\'s folder)', ['out']),
    ...COST_OPTIONS,
  ],
  async run({ args, flags, io }) {
    // Flags first: a typo in one is reported before the files are read.
    const formats = parseFormats(stringFlag(flags, 'format'));
    const cost = costAssumptions(flags);
    const file = await resolveResultFile(resolve(io.cwd, args[0]!));
    if (!file) throw new UsageError({ what: 'no result.json here', where: args[0], fix: 'pass the result.json written by `bench run`, or its folder' });
    const result = await readResult(file);
    const output = stringFlag(flags, 'output');
    const folder = output ? resolve(io.cwd, output) : dirname(file);
    const written = await writeReports(folder, result, formats, cost);
    const shown = relative(io.cwd, folder) || '.';
    io.stdout.write(`Wrote ${written.map((p) => `${shown}/${p}`).join(', ')}\n`);
    return ExitCode.ok;
  },
};
