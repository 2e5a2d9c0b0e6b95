/** Finds the part of the scenario schema that a path points at, to explain an issue about it. */
import { z } from 'zod';

type Key = PropertyKey;

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodDefault || s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodPipe) s = s.in as z.ZodType;
    else return s;
  }
}

function step(schema: z.ZodType, key: Key): z.ZodType | undefined {
  const s = unwrap(schema);
  if (s instanceof z.ZodObject) return (s.shape as Record<string, z.ZodType>)[String(key)];
  if (s instanceof z.ZodArray && typeof key === 'number') return s.element as z.ZodType;
  if (s instanceof z.ZodUnion) {
    for (const option of s.options as readonly z.ZodType[]) {
      const found = step(option, key);
      if (found) return found;
    }
  }
  return undefined;
}

export function schemaAt(root: z.ZodType, path: readonly Key[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = root;
  for (const key of path) {
    if (!s) return undefined;
    s = step(s, key);
  }
  return s ? unwrap(s) : undefined;
}

/** The keys an object in the schema allows, for did-you-mean hints on unknown keys. */
export function knownKeysAt(root: z.ZodType, path: readonly Key[]): string[] {
  const s = schemaAt(root, path);
  return s instanceof z.ZodObject ? Object.keys(s.shape as object) : [];
}
