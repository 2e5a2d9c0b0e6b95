/** `bench import FILE... --mesh NAME`: other tools' results as a meshbench result, usable as a baseline. */
import { access, mkdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { ExitCode, UsageError } from '../../errors.ts';
import { groupByLevel, HLOG_VALUE_UNITS, IMPORT_FORMATS, importFile, parseLevel, type ImportFormat } from '../../results/import/index.ts';
import { importedRunResult } from '../../results/import/to-result.ts';
import { RESULT_FILE } from '../../results/store.ts';
import { CUSTOM_MESH_NAME } from '../../scenario/schema.ts';
import { writeResult } from '../../run/outputs.ts';
import { stringFlag, type Command } from '../command.ts';
import { OUTPUT_OPTION } from '../options.ts';
import { meshbenchVersion } from '../version.ts';

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new UsageError({ what: `${flag} must be one of ${allowed.join(', ')}, not "${value}"`, fix: `${flag} ${allowed[0]}` });
}

export const importCommand: Command = {
  name: 'import',
  summary: "turn other tools' results (Fortio JSON, .hlog, wrk2 --latency, k6 --summary-export) into a meshbench result, usable as a baseline",
  usage: 'FILE...',
  args: { min: 1, max: Infinity, example: 'bench import appmesh-fortio-1.json appmesh-fortio-2.json --mesh appmesh --output archive/' },
  options: [
    { name: 'mesh', type: 'string', value: 'NAME', description: 'the mesh the files measured (required), e.g. appmesh' },
    { name: 'level', type: 'string', value: 'cN[-rR]', description: 'the load level, as bench run names it (c4-r1000), for formats that do not record it (wrk2, k6, .hlog)' },
    { name: 'error-budget', type: 'string', value: 'FRACTION', description: 'failed requests a file may have and count as valid, as load.errorBudget (0.01); an archive over it is kept, marked invalid' },
    { name: 'format', type: 'string', value: IMPORT_FORMATS.join('|'), description: 'the files\' format (detected when left out)' },
    { name: 'hlog-unit', type: 'string', value: Object.keys(HLOG_VALUE_UNITS).join('|'), description: '.hlog only: the unit its writer recorded (us)' },
    { name: 'hlog-tag', type: 'string', value: 'TAG', description: '.hlog only: merge only intervals with this tag' },
    OUTPUT_OPTION('folder that receives imported-<id>/result.json (the working directory)'),
  ],
  async run({ args, flags, io }) {
    const mesh = stringFlag(flags, 'mesh');
    if (!mesh || !CUSTOM_MESH_NAME.test(mesh)) throw new UsageError({ what: mesh ? `--mesh "${mesh}" is not a mesh name` : '`bench import` needs --mesh: which mesh the files measured', fix: '--mesh appmesh (lowercase letters, digits and dashes)' });
    const format = oneOf<ImportFormat>(stringFlag(flags, 'format'), IMPORT_FORMATS, '--format');
    const hlogUnit = oneOf(stringFlag(flags, 'hlog-unit'), Object.keys(HLOG_VALUE_UNITS) as (keyof typeof HLOG_VALUE_UNITS)[], '--hlog-unit');
    const hlogTag = stringFlag(flags, 'hlog-tag');
    const levelText = stringFlag(flags, 'level');
    const measurements = [];
    for (const file of args) {
      measurements.push(await importFile(resolve(io.cwd, file), { ...(format && { format }), ...(hlogUnit && { hlogValueUnit: hlogUnit }), ...(hlogTag !== undefined && { hlogTag }) }));
    }
    const groups = groupByLevel(measurements, levelText ? parseLevel(levelText) : null);
    const budgetText = stringFlag(flags, 'error-budget');
    const errorBudget = budgetText === undefined ? undefined : Number(budgetText);
    if (errorBudget !== undefined && !(errorBudget >= 0 && errorBudget <= 1)) throw new UsageError({ what: `--error-budget must be a fraction from 0 to 1, not "${budgetText}"`, fix: '--error-budget 0.02 (2 % of requests may fail)' });
    const result = importedRunResult(groups, { mesh, meshbenchVersion: meshbenchVersion(), ...(errorBudget !== undefined && { errorBudget }) });
    const folder = join(resolve(io.cwd, stringFlag(flags, 'output') ?? '.'), result.runId);
    await mkdir(folder, { recursive: true });
    // The folder is named by the files' paths: importing them again (another --level or budget) replaces it.
    const replaced = await access(join(folder, RESULT_FILE)).then(() => true, () => false);
    await writeResult(join(folder, RESULT_FILE), result);
    const shown = relative(io.cwd, folder) || '.';
    if (replaced) io.stderr.write(`note: ${shown}/${RESULT_FILE} held an earlier import of the same files; it is replaced\n`);
    const levels = groups.map((g) => `${g.level.id} (${g.repetitions.length} file${g.repetitions.length === 1 ? '' : 's'})`).join(', ');
    io.stdout.write(`Imported ${result.source.kind === 'imported' ? `${result.source.tool} ` : ''}output as ${mesh} at ${levels}: ${shown}/${RESULT_FILE}\n`);
    for (const t of result.trials) if (t.status === 'invalid') io.stderr.write(`warning: ${t.meshLabel} is invalid (${t.reasons.join('; ')}): gates leave it out of latency figures; --error-budget raises the budget\n`);
    if (result.source.kind === 'imported') io.stdout.write(`What it lacks (a comparison with it says so):\n${result.source.lacks.map((l) => `  - ${l}`).join('\n')}\n`);
    return ExitCode.ok;
  },
};
