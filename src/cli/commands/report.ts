/** `bench report RESULT [--format ...] [--output DIR]`: every report again from result.json alone. */
import { dirname, relative, resolve } from 'node:path';
import { ExitCode, UsageError } from '../../errors.ts';
import { DEFAULT_COST, REPORT_FORMATS, type CostAssumptions, type ReportFormat } from '../../report/index.ts';
import { resolveResultFile } from '../../results/compare/index.ts';
import { readResult, writeFileAtomic } from '../../results/store.ts';
import { writeReports } from '../../run/outputs.ts';
import { stringFlag, type Command, type Flags } from '../command.ts';
import { COST_OPTIONS, OUTPUT_OPTION } from '../options.ts';
import type { CliIO } from '../io.ts';

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
  usage: 'RESULT...',
  args: { min: 1, max: Infinity, example: 'bench report results/20261122T093000Z-http-basic/, or bench report RUN1 RUN2 --html overlay.html' },
  options: [
    { name: 'format', type: 'string', value: 'F,..', description: `which reports: ${REPORT_FORMATS.join(', ')} (all)` },
    { name: 'html', type: 'string', value: 'FILE', description: 'write one page overlaying the percentile curves of every RESULT given (a run, an archive, last week\'s nightly)' },
    OUTPUT_OPTION('where to write them (the result\'s folder)', ['out']),
    ...COST_OPTIONS,
  ],
  async run({ args, flags, io }) {
    const overlayFile = stringFlag(flags, 'html');
    if (overlayFile !== undefined) return writeOverlay(args, resolve(io.cwd, overlayFile), io);
    if (args.length > 1) throw new UsageError({ what: `${args.length} results given; the reports are of one run`, fix: `overlay them on one page: bench report ${args.join(' ')} --html overlay.html` });
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

/** `bench report RUN1 RUN2 ... --html FILE`: one page, their percentile curves overlaid. */
async function writeOverlay(paths: readonly string[], file: string, io: CliIO): Promise<number> {
  const runs = [];
  for (const given of paths) {
    const found = await resolveResultFile(resolve(io.cwd, given));
    if (!found) throw new UsageError({ what: 'no result.json here', where: given, fix: 'pass result.json files written by `bench run` or `bench import`, or their folders' });
    runs.push({ label: given.replace(/\/?(result\.json)?$/, '') || given, result: await readResult(found) });
  }
  const { overlay } = await import('../../results/overlay.ts');
  const { renderOverlayHtml } = await import('../../report/html/overlay-page.ts');
  await writeFileAtomic(file, renderOverlayHtml(overlay(runs)));
  io.stdout.write(`Wrote ${relative(io.cwd, file) || file} (${runs.length} run${runs.length === 1 ? '' : 's'} overlaid)\n`);
  return ExitCode.ok;
}
