/**
 * Importing other tools' results: `importFile` reads one file, detects its format (or takes the
 * one given) and returns an ImportedMeasurement; `importText` is the same without the file system.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../../errors.ts';
import { importFortio, looksLikeFortio } from './fortio.ts';
import { importHlog, looksLikeHlog } from './hlog.ts';
import { importK6, looksLikeK6 } from './k6.ts';
import { importWrk2, looksLikeWrk2 } from './wrk2.ts';
import { IMPORT_FORMATS, type ImportedMeasurement, type ImportFormat, type ImportOptions } from './types.ts';

export type { ImportedMeasurement, ImportFormat, ImportOptions } from './types.ts';
export { IMPORT_FORMATS, HLOG_VALUE_UNITS, ALWAYS_LACKS } from './types.ts';
export { groupByLevel, levelId, levelOf, parseLevel, type ImportedLevel, type ImportedLevelGroup } from './levels.ts';

interface Importer {
  /** What the file must look like, in words, for error messages. */
  readonly describes: string;
  looksLike(text: string): boolean;
  read(text: string, file: string, options: ImportOptions): ImportedMeasurement;
}

export const importers = {
  fortio: { describes: 'Fortio JSON (fortio load -json)', looksLike: looksLikeFortio, read: (text, file) => importFortio(text, file) },
  hlog: {
    describes: 'HdrHistogram interval log (.hlog)',
    looksLike: looksLikeHlog,
    read: (text, file, options) => importHlog(text, file, { ...(options.hlogValueUnit && { valueUnit: options.hlogValueUnit }), ...(options.hlogTag !== undefined && { tag: options.hlogTag }) }),
  },
  wrk2: { describes: 'wrk2 --latency output', looksLike: looksLikeWrk2, read: (text, file) => importWrk2(text, file) },
  k6: { describes: 'k6 --summary-export JSON', looksLike: looksLikeK6, read: (text, file) => importK6(text, file) },
} as const satisfies Record<ImportFormat, Importer>;

export function detectFormat(text: string, file: string): ImportFormat {
  const matches = IMPORT_FORMATS.filter((f) => importers[f].looksLike(text));
  if (matches.length === 1) return matches[0]!;
  throw new UsageError({
    what: matches.length === 0 ? 'not a result format meshbench can import' : `looks like more than one format (${matches.join(', ')})`,
    where: file,
    fix: `give the format with --format (${IMPORT_FORMATS.join(', ')}); meshbench reads ${IMPORT_FORMATS.map((f) => importers[f].describes).join('; ')}`,
  });
}

export function importText(text: string, file: string, options: ImportOptions = {}): ImportedMeasurement {
  return importers[options.format ?? detectFormat(text, file)].read(text, file, options);
}

export async function importFile(file: string, options: ImportOptions = {}): Promise<ImportedMeasurement> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new UsageError({ what: `cannot read the file (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`, where: file, fix: 'check the path; pass one result file per argument', cause });
  }
  return importText(text, file, options);
}
