/**
 * Reading another tool's file field by field, so that every malformed input fails with what was
 * wrong, where (file and field path, or file:line) and how to fix it, never with a TypeError.
 */
import { UsageError } from '../../errors.ts';

export type JsonObject = Record<string, unknown>;

export function importError(file: string, where: string | null, what: string, fix: string, cause?: unknown): UsageError {
  return new UsageError({ what, where: where === null ? file : `${file}: ${where}`, fix, cause });
}

export function parseJsonObject(text: string, file: string, tool: string, fix: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new UsageError({ what: `not valid JSON (${(cause as Error).message})`, where: file, fix, cause });
  }
  if (!isObject(parsed)) throw importError(file, null, `expected a JSON object written by ${tool}, found ${describe(parsed)}`, fix);
  return parsed;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${typeof v === 'object' ? '' : String(v)}`.trim();
}

/** Field access that knows its path inside the file, for error messages. */
export class Fields {
  readonly file: string;
  readonly path: string;
  readonly value: JsonObject;
  readonly fix: string;

  constructor(file: string, path: string, value: JsonObject, fix: string) {
    this.file = file;
    this.path = path;
    this.value = value;
    this.fix = fix;
  }

  private at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  fail(key: string, what: string): UsageError {
    return importError(this.file, `field ${this.at(key)}`, what, this.fix);
  }

  has(key: string): boolean {
    return this.value[key] !== undefined;
  }

  number(key: string, options: { min?: number; integer?: boolean } = {}): number {
    const v = this.value[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.fail(key, `expected a number, found ${describe(v)}`);
    if (options.integer && !Number.isInteger(v)) throw this.fail(key, `expected a whole number, found ${v}`);
    if (options.min !== undefined && v < options.min) throw this.fail(key, `expected at least ${options.min}, found ${v}`);
    return v;
  }

  optionalNumber(key: string, options: { min?: number; integer?: boolean } = {}): number | null {
    return this.has(key) ? this.number(key, options) : null;
  }

  string(key: string): string {
    const v = this.value[key];
    if (typeof v !== 'string') throw this.fail(key, `expected a string, found ${describe(v)}`);
    return v;
  }

  optionalString(key: string): string | null {
    return this.has(key) ? this.string(key) : null;
  }

  object(key: string): Fields {
    const v = this.value[key];
    if (!isObject(v)) throw this.fail(key, `expected an object, found ${describe(v)}`);
    return new Fields(this.file, this.at(key), v, this.fix);
  }

  optionalObject(key: string): Fields | null {
    return this.has(key) ? this.object(key) : null;
  }

  array(key: string): Fields[] {
    const v = this.value[key];
    if (!Array.isArray(v)) throw this.fail(key, `expected an array, found ${describe(v)}`);
    return v.map((item, i) => {
      if (!isObject(item)) throw this.fail(`${key}[${i}]`, `expected an object, found ${describe(item)}`);
      return new Fields(this.file, `${this.at(key)}[${i}]`, item, this.fix);
    });
  }
}

/** "p50", "p99.9": how percentiles are keyed in `percentilesUs`. */
export function percentileKey(percentile: number): string {
  return `p${Number(percentile.toFixed(6))}`;
}

/** An ISO string for a date the file gave, or an error naming the field. */
export function isoTime(fields: Fields, key: string): string {
  const text = fields.string(key);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw fields.fail(key, `expected a date and time, found ${JSON.stringify(text)}`);
  return new Date(ms).toISOString();
}
