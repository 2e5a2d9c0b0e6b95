/**
 * Raw output of another tool given straight to `bench compare` (the migration scenario's own
 * advice: `bench compare appmesh-archive.json RUN`): imported on the fly, with the same checks as
 * `bench import`, when the mesh it measured is known; otherwise an error that says how.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../../errors.ts';
import { detectFormat, groupByLevel, importText, importers, parseLevel } from '../import/index.ts';
import { importedRunResult } from '../import/to-result.ts';
import type { RunResult } from '../model.ts';

export interface RawReferenceOptions {
  /** The mesh the file measured: --reference-mesh, or the one mesh the cross-mesh gates refer to. */
  mesh: string | null;
  /** --level, for formats that do not record it. */
  level: string | null;
  meshbenchVersion: string;
}

/** The file as a meshbench result, or null when it is JSON with a schemaVersion (a result.json). */
export async function importedOnTheFly(file: string, o: RawReferenceOptions): Promise<RunResult | null> {
  const text = await readFile(file, 'utf8').catch((cause: NodeJS.ErrnoException) => {
    throw new UsageError({ what: `cannot read the baseline (${cause.code ?? cause.message})`, where: file, fix: 'pass a result.json, a results folder, or a folder of past results', cause });
  });
  if (isResultJson(text)) return null;
  let format;
  try {
    format = detectFormat(text, file);
  } catch {
    throw new UsageError({
      what: 'not a meshbench result (no schemaVersion) and not a file meshbench can import',
      where: file,
      fix: `pass the result.json of a run, or a file of another tool (${Object.values(importers).map((i) => i.describes).join('; ')})`,
    });
  }
  if (!o.mesh) {
    throw new UsageError({
      what: `this is ${importers[format].describes}, not a meshbench result, and which mesh it measured is not known`,
      where: file,
      fix: `pass --reference-mesh NAME (e.g. --reference-mesh appmesh), or import it once: bench import ${file} --mesh NAME, then compare with the result.json it writes`,
    });
  }
  const measurement = importText(text, file, { format });
  const groups = groupByLevel([measurement], o.level ? parseLevel(o.level) : null);
  return importedRunResult(groups, { mesh: o.mesh, meshbenchVersion: o.meshbenchVersion });
}

function isResultJson(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && 'schemaVersion' in parsed;
  } catch {
    return false;
  }
}
