/**
 * One entry per command: its name, what it does, its usage and options, and what runs it. Help
 * text and flag parsing are built from these entries, so an option cannot exist without being
 * documented, and the same flag means the same thing in every command.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';
import { didYouMean } from '../scenario/did-you-mean.ts';
import type { CliIO } from './io.ts';

export interface OptionSpec {
  name: string;
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Placeholder of the value in help ("DIR", "pass|fail"). */
  value?: string;
  description: string;
  /** Old spellings, still accepted for a release with a note on stderr. */
  aliases?: readonly string[];
}

export type FlagValue = string | boolean | string[] | undefined;
export type Flags = Readonly<Record<string, FlagValue>>;

export interface CommandContext {
  args: readonly string[];
  flags: Flags;
  io: CliIO;
  debug: boolean;
}

export interface Command {
  name: string;
  /** One line for `bench --help`. */
  summary: string;
  /** Arguments after the name, e.g. "SCENARIO" or "BASELINE CANDIDATE". */
  usage: string;
  /** Accepted argument counts; max Infinity for "one or more". */
  args: { min: number; max: number; example: string };
  options: readonly OptionSpec[];
  run(ctx: CommandContext): Promise<number>;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { name: 'debug', type: 'boolean', description: 'print stack traces with errors' },
  { name: 'help', type: 'boolean', short: 'h', description: 'help of the command' },
];

/** Parses a command's flags; old spellings are folded into their current names. */
export function parseCommandLine(command: Command, argv: readonly string[], io: CliIO): { args: string[]; flags: Flags } {
  const all = [...command.options, ...GLOBAL_OPTIONS];
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const o of all) {
    options[o.name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
    for (const alias of o.aliases ?? []) {
      if (alias.length === 1) options[o.name]!.short = alias;
      else options[alias] = { type: o.type, ...(o.multiple ? { multiple: true } : {}) };
    }
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: negativeValuesJoined(argv, options), allowPositionals: true, options });
  } catch (error) {
    throw parseError(command, all, error as Error & { code?: string });
  }
  const flags: Record<string, FlagValue> = {};
  for (const o of all) {
    let value = parsed.values[o.name] as FlagValue;
    for (const alias of (o.aliases ?? []).filter((a) => a.length > 1)) {
      const old = parsed.values[alias] as FlagValue;
      if (old === undefined) continue;
      io.stderr.write(`note: --${alias} is the old spelling of --${o.name}; it will be removed in a later release\n`);
      value = Array.isArray(value) && Array.isArray(old) ? [...value, ...old] : (value ?? old);
    }
    flags[o.name] = value;
  }
  return { args: parsed.positionals, flags };
}

/**
 * `--pods -3` reads, to parseArgs, as an option without its value; a value that is a negative
 * number is joined to its option (`--pods=-3`) so the command's own check can say what is wrong.
 */
function negativeValuesJoined(argv: readonly string[], options: Record<string, { type: 'string' | 'boolean'; short?: string }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const long = /^--([^=]+)$/.exec(arg)?.[1];
    if (long && options[long]?.type === 'string' && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** parseArgs' errors in meshbench's words: what, where, and how to write it instead. */
function parseError(command: Command, all: readonly OptionSpec[], error: Error & { code?: string }): UsageError {
  const where = `bench ${command.name}`;
  const named = /'(-{1,2}[^' ]+)/.exec(error.message)?.[1] ?? '';
  const spec = all.find((o) => `--${o.name}` === named || (o.short && `-${o.short}` === named));
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const near = didYouMean(named.replace(/^-+/, ''), all.map((o) => o.name));
    return new UsageError({
      what: `unknown option ${named}`,
      where,
      fix: `${near ? `did you mean --${near}? ` : ''}\`bench ${command.name} --help\` lists its options${named.startsWith('-') ? '; an argument that starts with a dash goes after `--`' : ''}`,
    });
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && spec) {
    if (spec.type === 'boolean') return new UsageError({ what: `--${spec.name} takes no value`, where, fix: `write --${spec.name} alone` });
    return new UsageError({ what: `--${spec.name} needs a value (${spec.value ?? 'VALUE'})`, where, fix: `--${spec.name} ${spec.value ?? 'VALUE'}, or --${spec.name}=${spec.value ?? 'VALUE'} for a value that starts with a dash` });
  }
  return new UsageError({ what: error.message, where, fix: `run \`bench ${command.name} --help\` for its options` });
}

export function checkArgCount(command: Command, args: readonly string[]): void {
  const { min, max, example } = command.args;
  if (args.length >= min && args.length <= max) return;
  const got = args.length ? `got ${args.length}: ${args.map((a) => JSON.stringify(a)).join(' ')}` : 'got none';
  if (max === 0) throw new UsageError({ what: `\`bench ${command.name}\` takes no arguments, ${got}`, fix: example });
  const wanted = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
  throw new UsageError({ what: `\`bench ${command.name}\` takes ${wanted} argument${min === 1 && max === 1 ? '' : 's'} (${command.usage}), ${got}`, fix: example });
}

export const stringFlag = (flags: Flags, name: string): string | undefined => {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
};
export const booleanFlag = (flags: Flags, name: string): boolean => flags[name] === true;
export const listFlag = (flags: Flags, name: string): string[] => {
  const v = flags[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
};
