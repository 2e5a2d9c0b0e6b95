/** `bench report RESULT [--format ...] [--out DIR]`: every report again from result.json alone. */
import { mkdir } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { ExitCode, UsageError } from '../../errors.ts';
import { DEFAULT_COST, REPORT_FORMATS, renderReports, type CostAssumptions, type ReportFormat } from '../../report/index.ts';
import { resolveResultFile } from '../../results/compare/index.ts';
import type { RunResult } from '../../results/model.ts';
import { readResult, writeFileAtomic } from '../../results/store.ts';
import type { CliIO } from '../io.ts';

export interface ReportFlags {
  format: string | undefined;
  out: string | undefined;
  pods: string | undefined;
  usdPerVcpuHour: string | undefined;
  usdPerGibHour: string | undefined;
}

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

export function costAssumptions(flags: Pick<ReportFlags, 'pods' | 'usdPerVcpuHour' | 'usdPerGibHour'>): CostAssumptions {
  return {
    pods: positive(flags.pods, '--pods', DEFAULT_COST.pods),
    usdPerVcpuHour: positive(flags.usdPerVcpuHour, '--usd-per-vcpu-hour', DEFAULT_COST.usdPerVcpuHour),
    usdPerGibHour: positive(flags.usdPerGibHour, '--usd-per-gib-hour', DEFAULT_COST.usdPerGibHour),
  };
}

/** Writes the reports into `folder`, each file atomically; returns their paths. */
export async function writeReports(folder: string, result: RunResult, formats: readonly ReportFormat[], cost: CostAssumptions): Promise<string[]> {
  const files = renderReports(result, formats, { cost });
  for (const f of files) {
    const path = join(folder, f.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, f.content);
  }
  return files.map((f) => f.path);
}

export async function reportCommand(args: readonly string[], flags: ReportFlags, io: CliIO): Promise<number> {
  if (args.length !== 1) throw new UsageError({ what: `\`bench report\` takes one result (result.json or its folder), got ${args.length}`, fix: 'bench report results/20261122T093000Z-http-basic/' });
  const file = await resolveResultFile(resolve(io.cwd, args[0]!));
  if (!file) throw new UsageError({ what: 'no result.json here', where: args[0], fix: 'pass the result.json written by `bench run`, or its folder' });
  const result = await readResult(file);
  const folder = flags.out ? resolve(io.cwd, flags.out) : dirname(file);
  const written = await writeReports(folder, result, parseFormats(flags.format), costAssumptions(flags));
  const shown = relative(io.cwd, folder) || '.';
  io.stdout.write(`Wrote ${written.map((p) => `${shown}/${p}`).join(', ')}\n`);
  return ExitCode.ok;
}
