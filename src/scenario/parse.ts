/**
 * Reads a scenario file: YAML syntax, then the schema, then the rules. Every problem is reported
 * with file:line:column and a hint, all at once (as changesets' parse.ts and k6's Validate() do).
 */
import { readFile } from 'node:fs/promises';
import { isCollection, isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { ScenarioError, UsageError, type ScenarioIssue } from '../errors.ts';
import { didYouMean } from './did-you-mean.ts';
import { durationSchemas, ScenarioSchema, type ScenarioInput } from './schema.ts';
import { checkRules, unknownMeshes } from './rules.ts';
import { knownKeysAt, schemaAt } from './schema-walk.ts';

type Path = readonly PropertyKey[];

export interface ParsedScenario {
  file: string;
  input: ScenarioInput;
  /** file:line:column of a path in the file, for errors found after parsing (e.g. at run time). */
  locate(path: Path): string;
}

/** Reads `path`; messages name the file as `shownAs` (what the user typed). */
export async function readScenarioFile(path: string, shownAs: string = path): Promise<ParsedScenario> {
  const file = shownAs;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new UsageError({
      what: code === 'ENOENT' ? 'scenario file not found' : `cannot read scenario file (${code ?? 'unknown error'})`,
      where: file,
      fix: 'pass the path of a scenario YAML file, e.g. `bench run scenarios/http-basic.yaml`',
      cause,
    });
  }
  return parseScenario(text, file);
}

export function parseScenario(text: string, file: string): ParsedScenario {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const locate = (path: Path) => at(nodeAt(doc, path)?.range?.[0] ?? 0);

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

  const raw: unknown = doc.toJS();
  const result = ScenarioSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.flatMap((issue) => explain(issue, doc, file, at, locate));
    const meshIssues = unknownMeshes(raw as Record<string, unknown>).map(({ paths, what, fix }) => ({ what, where: locate(paths[0]!), path: dotPath(paths[0]!), fix }));
    throw new ScenarioError(file, [...issues, ...meshIssues.filter((m) => !issues.some((i) => i.path === m.path))].sort(byPosition));
  }
  const ruleIssues = checkRules(result.data).map(({ paths, what, fix }) => {
    const path = paths.find((p) => doc.hasIn(p)) ?? paths[0]!;
    // An issue about a whole mapping entry points at its key, where the reader looks.
    const last = path.at(-1);
    const keyNode = typeof last === 'string' && isCollection(doc.getIn(path, true)) ? keyNodeOf(doc, path.slice(0, -1), last) : undefined;
    return { what, where: keyNode?.range ? at(keyNode.range[0]) : locate(path), path: dotPath(path), fix };
  });
  if (ruleIssues.length > 0) throw new ScenarioError(file, ruleIssues.sort(byPosition));
  return { file, input: result.data, locate };
}

/** The node of `key` itself (not its value) in the mapping at `path`. */
function keyNodeOf(doc: Document, path: Path, key: string, map: unknown = doc.getIn(path as unknown[], true) ?? doc.contents): Node | undefined {
  const pair = isMap(map) ? map.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key) : undefined;
  return pair && isScalar(pair.key) ? pair.key : undefined;
}

function byPosition(a: ScenarioIssue, b: ScenarioIssue): number {
  const pos = (where: string) => where.split(':').slice(-2).map(Number) as [number, number];
  const [la, ca] = pos(a.where);
  const [lb, cb] = pos(b.where);
  return la - lb || ca - cb;
}

function nodeAt(doc: Document, path: Path): Node | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
    if (node && typeof node === 'object' && 'range' in node) return node as Node;
  }
  return undefined;
}

function dotPath(path: Path): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

const typeNames: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  array: 'a list',
  object: 'a mapping',
  boolean: 'true or false',
};

function explain(
  issue: z.core.$ZodIssue,
  doc: Document,
  file: string,
  at: (offset: number) => string,
  locate: (path: Path) => string,
): ScenarioIssue[] {
  const path = issue.path as Path;
  const where = locate(path);
  const p = dotPath(path) || '(top level)';
  const raw = doc.getIn(path as unknown[]);
  const value: unknown = isCollection(raw) ? raw.toJSON() : raw;
  const leaf = schemaAt(ScenarioSchema, path);
  const isDurationField = leaf !== undefined && durationSchemas.has(leaf);
  const durationFix = 'write a number and a unit: 500ms, 10s, 2m, 1m30s';

  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(ScenarioSchema, path);
      const map = doc.getIn(path as unknown[], true) ?? doc.contents;
      return issue.keys.map((key) => {
        const keyNode = keyNodeOf(doc, path, key, map);
        const guess = didYouMean(key, known);
        return {
          what: `unknown key "${key}" in ${path.length ? `\`${p}\`` : 'the scenario'}`,
          where: keyNode?.range ? at(keyNode.range[0]) : where,
          path: dotPath([...path, key]),
          fix: guess ? `did you mean "${guess}"?` : `known keys here: ${known.join(', ')}`,
        };
      });
    }
    case 'invalid_key': {
      const key = String(path.at(-1));
      const parentPath = path.slice(0, -1);
      const keyNode = keyNodeOf(doc, parentPath, key);
      return [
        {
          what: `\`${dotPath(parentPath)}\` has an invalid name: ${JSON.stringify(key)}`,
          where: keyNode?.range ? at(keyNode.range[0]) : where,
          path: p,
          fix: 'use lowercase letters, digits and dashes, starting with a letter (at most 31), e.g. "my-mesh"',
        },
      ];
    }
    case 'invalid_type': {
      if (value === undefined) {
        return [{ what: `missing required key \`${p}\``, where, path: p, fix: `add \`${String(path.at(-1))}:\` here` }];
      }
      const expected = typeNames[issue.expected] ?? issue.expected;
      return [
        {
          what: `\`${p}\` must be ${isDurationField ? 'a duration' : expected}, not ${describeValue(value)}`,
          where,
          path: p,
          fix: isDurationField ? durationFix + (typeof value === 'number' ? ` (for example "${value}s")` : '') : `write ${expected} here`,
        },
      ];
    }
    case 'invalid_value': {
      const allowed = issue.values.map(String);
      const guess = typeof value === 'string' ? didYouMean(value, allowed) : undefined;
      return [
        {
          what: `\`${p}\` is ${describeValue(value)}; expected one of: ${allowed.join(', ')}`,
          where,
          path: p,
          fix: guess ? `did you mean "${guess}"?` : `use one of: ${allowed.join(', ')}`,
        },
      ];
    }
    case 'invalid_format':
      if (issue.format === 'url') {
        return [{ what: `\`${p}\` is not an http:// or https:// URL: ${JSON.stringify(value)}`, where, path: p, fix: 'write the whole URL with its scheme, e.g. http://127.0.0.1:8080/' }];
      }
      return [
        {
          what: isDurationField ? `\`${p}\` is not a duration: ${JSON.stringify(value)}` : `\`${p}\` has the wrong format: ${JSON.stringify(value)}`,
          where,
          path: p,
          fix: isDurationField ? durationFix : issue.message,
        },
      ];
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      if (issue.origin === 'array') {
        return [{ what: `\`${p}\` must list ${word} ${String(bound)} item(s); got ${Array.isArray(value) ? value.length : 0}`, where, path: p, fix: `list ${word} ${String(bound)} item(s) here` }];
      }
      const unit = issue.origin === 'string' ? ' character(s)' : '';
      return [{ what: `\`${p}\` must be ${word} ${String(bound)}${unit}; got ${describeValue(value)}`, where, path: p, fix: `use a value ${word} ${String(bound)}` }];
    }
    case 'not_multiple_of':
      return [{ what: `\`${p}\` must be a multiple of ${String(issue.divisor)}`, where, path: p, fix: 'round it' }];
    case 'invalid_union': {
      // connections/rate: a number or a list; explain the branch whose shape the value has.
      const branch = Array.isArray(value) ? issue.errors[1] : issue.errors[0];
      const inner = branch?.filter((i) => i.code !== 'invalid_type' || Array.isArray(value)) ?? [];
      if (inner.length > 0 && (typeof value === 'number' || Array.isArray(value))) {
        return inner.flatMap((i) => explain({ ...i, path: [...path, ...i.path] } as z.core.$ZodIssue, doc, file, at, locate));
      }
      return [{ what: `\`${p}\` must be a number or a list of numbers, not ${describeValue(value)}`, where, path: p, fix: 'write e.g. `4` or `[4, 16, 64]`' }];
    }
    case 'custom': {
      const fix = (issue.params as { fix?: string } | undefined)?.fix;
      return [{ what: issue.message, where, path: p, ...(fix ? { fix } : {}) }];
    }
    default:
      return [{ what: `\`${p}\`: ${issue.message}`, where, path: p }];
  }
}

/** For errors raised outside parsing that still point into the file. */
export function scenarioIssueError(parsed: ParsedScenario, path: Path, what: string, fix: string): ScenarioError {
  return new ScenarioError(parsed.file, [{ what, where: parsed.locate(path), path: dotPath(path), fix }]);
}

