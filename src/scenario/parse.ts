/**
 * Reads a scenario file: YAML syntax, then the schema, then the rules. Every problem is reported
 * with file:line:column and a hint, all at once (as changesets' parse.ts and k6's Validate() do).
 */
import { isCollection, isMap, LineCounter, parseDocument } from 'yaml';
import { ScenarioError, UsageError, type ScenarioIssue } from '../errors.ts';
import { ScenarioSchema, type ScenarioInput } from './schema.ts';
import { checkRules, unknownMeshes } from './rules.ts';
import { explain } from './explain.ts';
import { HARD_CEILINGS } from './ceilings.ts';
import { findDepthExcess, readBounded } from './limits.ts';
import { dotPath, keyNodeOf, nodeAt, type Path } from './yaml-nodes.ts';
import { overrideInWords, type ScenarioOverride } from './overrides.ts';


export interface ParsedScenario {
  file: string;
  input: ScenarioInput;
  /** file:line:column of a path in the file, for errors found after parsing (e.g. at run time). */
  locate(path: Path): string;
}

/** Reads `path`; messages name the file as `shownAs` (what the user typed). */
export async function readScenarioFile(path: string, shownAs: string = path, overrides: readonly ScenarioOverride[] = []): Promise<ParsedScenario> {
  const file = shownAs;
  let read: Awaited<ReturnType<typeof readBounded>>;
  try {
    read = await readBounded(path, HARD_CEILINGS.fileBytes);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new UsageError({
      what: code === 'ENOENT' ? 'scenario file not found' : `cannot read scenario file (${code ?? 'unknown error'})`,
      where: file,
      fix: 'pass the path of a scenario YAML file, e.g. `bench run scenarios/http-basic.yaml`',
      cause,
    });
  }
  if (read.overLimit) {
    throw new ScenarioError(file, [
      {
        what: `the file is ${(read.sizeBytes / 1024 / 1024).toFixed(1)} MiB; a scenario may be at most ${HARD_CEILINGS.fileBytes / 1024 / 1024} MiB`,
        where: file,
        path: '',
        fix: 'a scenario is a few dozen lines: check that this is the file you meant (not a log or a result)',
      },
    ]);
  }
  return parseScenario(read.text, file, overrides);
}

/** `overrides` are set into the document before it is checked; an issue with one names its flag. */
export function parseScenario(text: string, file: string, overrides: readonly ScenarioOverride[] = []): ParsedScenario {
  const tooDeep = findDepthExcess(text);
  if (tooDeep) {
    const line = text.slice(0, tooDeep.offset).split('\n').length;
    const column = tooDeep.offset - text.lastIndexOf('\n', tooDeep.offset - 1);
    throw new ScenarioError(file, [
      { what: `mappings and lists nest more than ${tooDeep.limit} levels deep`, where: `${file}:${line}:${column}`, path: '', fix: 'a scenario nests a few levels; check the indentation, or the tool that wrote this file' },
    ]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const fromFile = (path: Path) => at(nodeAt(doc, path)?.range?.[0] ?? 0);
  const overridden = (path: Path) => overrides.find((o) => o.path.every((key, i) => path[i] === key));
  const locate = (path: Path) => {
    const o = overridden(path);
    return o ? `command line: ${overrideInWords(o)}` : fromFile(path);
  };

  const syntaxIssues: ScenarioIssue[] = doc.errors.map((e) => ({
    what: `YAML syntax: ${e.message.split('\n')[0]}`,
    where: at(e.pos[0]),
    path: '',
    fix: 'fix the YAML syntax at this position (indentation, a missing colon or quote)',
  }));
  if (syntaxIssues.length > 0) throw new ScenarioError(file, syntaxIssues);
  if (!isMap(doc.contents)) {
    throw new ScenarioError(file, [
      { what: 'a scenario must be a mapping of keys (name, meshes, load, ...)', where: at(0), path: '', fix: 'start from scenarios/http-basic.yaml' },
    ]);
  }

  for (const o of overrides) doc.setIn([...o.path] as unknown[], o.value);
  const raw: unknown = doc.toJS();
  const result = ScenarioSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.flatMap((issue) => explain(issue, doc, at, locate));
    const meshIssues = unknownMeshes(raw as Record<string, unknown>).map(({ paths, what, fix }) => ({ what, where: locate(paths[0]!), path: dotPath(paths[0]!), fix }));
    throw new ScenarioError(file, [...issues, ...meshIssues.filter((m) => !issues.some((i) => i.path === m.path))].sort(byPosition));
  }
  const ruleIssues = checkRules(result.data).map(({ paths, what, fix }) => {
    const path = paths.find((p) => doc.hasIn(p)) ?? paths[0]!;
    // An issue about a whole mapping entry points at its key, where the reader looks.
    const last = path.at(-1);
    const keyNode = typeof last === 'string' && isCollection(doc.getIn(path, true)) ? keyNodeOf(doc, path.slice(0, -1), last) : undefined;
    return { what, where: keyNode?.range && !overridden(path) ? at(keyNode.range[0]) : locate(path), path: dotPath(path), fix };
  });
  if (ruleIssues.length > 0) throw new ScenarioError(file, ruleIssues.sort(byPosition));
  return { file, input: result.data, locate };
}

function byPosition(a: ScenarioIssue, b: ScenarioIssue): number {
  const pos = (where: string) => where.split(':').slice(-2).map(Number) as [number, number];
  const [la, ca] = pos(a.where);
  const [lb, cb] = pos(b.where);
  return la - lb || ca - cb;
}

/** For errors raised outside parsing that still point into the file. */
export function scenarioIssueError(parsed: ParsedScenario, path: Path, what: string, fix: string): ScenarioError {
  return new ScenarioError(parsed.file, [{ what, where: parsed.locate(path), path: dotPath(path), fix }]);
}

