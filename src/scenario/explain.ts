/**
 * Turns schema issues into scenario issues a person can act on: one explainer per issue code,
 * each saying what is wrong, where (file:line:column) and how to fix it.
 */
import { isCollection, type Document } from 'yaml';
import type { z } from 'zod';
import type { ScenarioIssue } from '../errors.ts';
import { didYouMean } from './did-you-mean.ts';
import { dotPath, keyNodeOf, type Path } from './yaml-nodes.ts';
import { durationSchemas, percentSchemas, ScenarioSchema } from './schema.ts';
import { knownKeysAt, schemaAt } from './schema-walk.ts';

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

/** What an explainer needs about one schema issue: where it is and what the file holds there. */
interface IssueContext {
  doc: Document;
  path: Path;
  /** file:line:column of the path. */
  where: string;
  /** The dot path, or "(top level)". */
  p: string;
  /** The value in the file at the path. */
  value: unknown;
  isDurationField: boolean;
  /** A percentage written with its sign ("0.1%"): a bare 0.1 could mean 0.1 % or 10 %. */
  isPercentField: boolean;
  at: (offset: number) => string;
  locate: (path: Path) => string;
}

const DURATION_FIX = 'write a number and a unit: 500ms, 10s, 2m, 1m30s';

type Explainer<C extends z.core.$ZodIssue['code']> = (issue: Extract<z.core.$ZodIssue, { code: C }>, c: IssueContext) => ScenarioIssue[];

/** Keys that were renamed, so that an older scenario is told the new name rather than "unknown key". */
const RENAMED: Record<string, string> = {
  'kubernetes.image': 'kubernetes.images.workload',
  'kubernetes.loaderImage': 'kubernetes.images.loader',
};

const unrecognizedKeys: Explainer<'unrecognized_keys'> = (issue, { doc, path, where, p, at }) => {
  const known = knownKeysAt(ScenarioSchema, path);
  const map = doc.getIn(path as unknown[], true) ?? doc.contents;
  return issue.keys.map((key) => {
    const keyNode = keyNodeOf(doc, path, key, map);
    const guess = didYouMean(key, known);
    const renamed = RENAMED[dotPath([...path, key])];
    return {
      what: `unknown key "${key}" in ${path.length ? `\`${p}\`` : 'the scenario'}`,
      where: keyNode?.range ? at(keyNode.range[0]) : where,
      path: dotPath([...path, key]),
      fix: renamed ? `it was renamed: write it as \`${renamed}\`` : guess ? `did you mean "${guess}"?` : `known keys here: ${known.join(', ')}`,
    };
  });
};

const invalidKey: Explainer<'invalid_key'> = (_issue, { doc, path, where, p, at }) => {
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
};

const invalidType: Explainer<'invalid_type'> = (issue, { path, where, p, value, isDurationField, isPercentField }) => {
  if (value === undefined) return [{ what: `missing required key \`${p}\``, where, path: p, fix: `add \`${String(path.at(-1))}:\` here` }];
  if (isPercentField) return [{ what: `\`${p}\` must be a percentage with its % sign, not ${describeValue(value)}`, where, path: p, fix: `write it as a percentage${typeof value === 'number' ? `: "${value}%" or, for the fraction ${value}, "${+(value * 100).toFixed(6)}%"` : ', e.g. "0.1%"'}` }];
  const expected = typeNames[issue.expected] ?? issue.expected;
  return [
    {
      what: `\`${p}\` must be ${isDurationField ? 'a duration' : expected}, not ${describeValue(value)}`,
      where,
      path: p,
      fix: isDurationField ? DURATION_FIX + (typeof value === 'number' ? ` (for example "${value}s")` : '') : `write ${expected} here`,
    },
  ];
};

const invalidValue: Explainer<'invalid_value'> = (issue, { where, p, value }) => {
  const allowed = issue.values.map(String);
  const guess = typeof value === 'string' ? didYouMean(value, allowed) : undefined;
  return [{ what: `\`${p}\` is ${describeValue(value)}; expected one of: ${allowed.join(', ')}`, where, path: p, fix: guess ? `did you mean "${guess}"?` : `use one of: ${allowed.join(', ')}` }];
};

const invalidFormat: Explainer<'invalid_format'> = (issue, { where, p, value, isDurationField, isPercentField }) => {
  if (isPercentField) return [{ what: `\`${p}\` is not a percentage: ${JSON.stringify(value)}`, where, path: p, fix: 'write a number and a % sign, e.g. "0.1%" or "5%"' }];
  if (issue.format === 'url') {
    return [{ what: `\`${p}\` is not an http:// or https:// URL: ${JSON.stringify(value)}`, where, path: p, fix: 'write the whole URL with its scheme, e.g. http://127.0.0.1:8080/' }];
  }
  return [
    {
      what: isDurationField ? `\`${p}\` is not a duration: ${JSON.stringify(value)}` : `\`${p}\` has the wrong format: ${JSON.stringify(value)}`,
      where,
      path: p,
      fix: isDurationField ? DURATION_FIX : issue.message,
    },
  ];
};

const outOfRange: Explainer<'too_small' | 'too_big'> = (issue, { where, p, value }) => {
  const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
  const word = issue.code === 'too_small' ? 'at least' : 'at most';
  if (issue.origin === 'array') {
    return [{ what: `\`${p}\` must list ${word} ${String(bound)} item(s); got ${Array.isArray(value) ? value.length : 0}`, where, path: p, fix: `list ${word} ${String(bound)} item(s) here` }];
  }
  const unit = issue.origin === 'string' ? ' character(s)' : '';
  return [{ what: `\`${p}\` must be ${word} ${String(bound)}${unit}; got ${describeValue(value)}`, where, path: p, fix: `use a value ${word} ${String(bound)}` }];
};

const notMultipleOf: Explainer<'not_multiple_of'> = (issue, { where, p }) => [{ what: `\`${p}\` must be a multiple of ${String(issue.divisor)}`, where, path: p, fix: 'round it' }];

/** connections/rate: a number or a list; explain the branch whose shape the value has. */
const invalidUnion: Explainer<'invalid_union'> = (issue, c) => {
  const { path, where, p, value } = c;
  // A discriminated union (workload.faults[].kind) names its options.
  const options = (issue as { options?: unknown[] }).options;
  if (options) return [{ what: `\`${p}\` is ${describeValue(value)}; expected one of: ${options.map(String).join(', ')}`, where, path: p, fix: `use one of: ${options.map(String).join(', ')}` }];
  const branch = Array.isArray(value) ? issue.errors[1] : issue.errors[0];
  const inner = branch?.filter((i) => i.code !== 'invalid_type' || Array.isArray(value)) ?? [];
  if (inner.length > 0 && (typeof value === 'number' || Array.isArray(value))) {
    return inner.flatMap((i) => explain({ ...i, path: [...path, ...i.path] } as z.core.$ZodIssue, c.doc, c.at, c.locate));
  }
  return [{ what: `\`${p}\` must be a number or a list of numbers, not ${describeValue(value)}`, where, path: p, fix: 'write e.g. `4` or `[4, 16, 64]`' }];
};

/** Refinements of schema.ts: their message follows the path; the value is shown JSON-escaped, so a control character in it cannot reach the terminal. */
const custom: Explainer<'custom'> = (issue, { where, p, value }) => {
  const fix = (issue.params as { fix?: string } | undefined)?.fix;
  return [{ what: `\`${p}\` ${issue.message}; got ${describeValue(value)}`, where, path: p, ...(fix ? { fix } : {}) }];
};

/** One explainer per schema issue code; codes without one get the schema's own message. */
const explainers: { [C in z.core.$ZodIssue['code']]?: Explainer<C> } = {
  unrecognized_keys: unrecognizedKeys,
  invalid_key: invalidKey,
  invalid_type: invalidType,
  invalid_value: invalidValue,
  invalid_format: invalidFormat,
  too_small: outOfRange as Explainer<'too_small'>,
  too_big: outOfRange as Explainer<'too_big'>,
  not_multiple_of: notMultipleOf,
  invalid_union: invalidUnion,
  custom,
};

export function explain(issue: z.core.$ZodIssue, doc: Document, at: (offset: number) => string, locate: (path: Path) => string): ScenarioIssue[] {
  const path = issue.path as Path;
  const raw = doc.getIn(path as unknown[]);
  const leaf = schemaAt(ScenarioSchema, path);
  const context: IssueContext = {
    doc,
    path,
    where: locate(path),
    p: dotPath(path) || '(top level)',
    value: isCollection(raw) ? raw.toJSON() : raw,
    isDurationField: leaf !== undefined && durationSchemas.has(leaf),
    isPercentField: leaf !== undefined && percentSchemas.has(leaf),
    at,
    locate,
  };
  const explainer = explainers[issue.code] as Explainer<typeof issue.code> | undefined;
  return explainer ? explainer(issue as never, context) : [{ what: `\`${context.p}\`: ${issue.message}`, where: context.where, path: context.p }];
}

