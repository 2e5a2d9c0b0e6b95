/** `bench export RESULT --format fortio|smp`: a meshbench result in other tools' formats. */
import { mkdir } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { ExitCode, UsageError } from '../../errors.ts';
import { EXPORT_FORMATS, exporters, exportResult, type ExportFormat } from '../../report/export/index.ts';
import { resolveResultFile } from '../../results/compare/index.ts';
import { readResult, writeFileAtomic } from '../../results/store.ts';
import { stringFlag, type Command } from '../command.ts';
import { OUTPUT_OPTION } from '../options.ts';

export const exportCommand: Command = {
  name: 'export',
  summary: "write a result in other tools' formats: Fortio JSON (Istio's plotting tools read it) or Service Mesh Performance (Meshery)",
  usage: 'RESULT',
  args: { min: 1, max: 1, example: 'bench export results/20261122T093000Z-http-basic/ --format fortio' },
  options: [
    { name: 'format', type: 'string', value: EXPORT_FORMATS.join('|'), description: EXPORT_FORMATS.map((f) => `${f}: ${exporters[f].description}`).join('; ') },
    { name: 'resolution', type: 'string', value: 'S', description: 'fortio: histogram resolution in seconds, as Fortio\'s -r (0.00001, 10 µs)' },
    OUTPUT_OPTION("where to write them (the result's folder)"),
  ],
  async run({ args, flags, io }) {
    const format = stringFlag(flags, 'format');
    if (!format || !(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError({ what: format ? `--format must be one of ${EXPORT_FORMATS.join(', ')}, not "${format}"` : '`bench export` needs --format', fix: '--format fortio' });
    const resolution = stringFlag(flags, 'resolution');
    const resolutionS = resolution === undefined ? undefined : Number(resolution);
    if (resolutionS !== undefined && !(resolutionS > 0 && resolutionS <= 1)) throw new UsageError({ what: `--resolution must be a number of seconds above 0 and at most 1, not "${resolution}"`, fix: '--resolution 0.00001' });
    const file = await resolveResultFile(resolve(io.cwd, args[0]!));
    if (!file) throw new UsageError({ what: 'no result.json here', where: args[0], fix: 'pass the result.json written by `bench run`, or its folder' });
    const files = exportResult(await readResult(file), format as ExportFormat, resolutionS === undefined ? {} : { resolutionS });
    const output = stringFlag(flags, 'output');
    const folder = output ? resolve(io.cwd, output) : dirname(file);
    for (const f of files) {
      const path = join(folder, f.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, f.content);
    }
    io.stdout.write(`Wrote ${files.length} ${format} file(s) under ${relative(io.cwd, folder) || '.'}/${files[0]?.path.split('/')[0] ?? ''}\n`);
    return ExitCode.ok;
  },
};
