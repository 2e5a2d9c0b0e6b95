/** `bench --help` and `bench COMMAND --help`, made from the command registry. */
import { GLOBAL_OPTIONS, type Command, type OptionSpec } from './command.ts';

const EXIT_CODES = `Exit codes: 0 ok · 1 a gate found a regression · 2 usage, scenario or preflight error (nothing
ran) · 3 not every trial finished (finished trials stay on disk). Ctrl-C or SIGTERM stops the run,
tears everything down and keeps the results; a second one forces the exit.`;

function optionLine(o: OptionSpec): [string, string] {
  const names = [`--${o.name}`, ...(o.short ? [`-${o.short}`] : [])].join(', ');
  const value = o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : '';
  const aliases = o.aliases?.length ? ` (old spelling: ${o.aliases.map((a) => (a.length === 1 ? `-${a}` : `--${a}`)).join(', ')})` : '';
  return [`${names}${value}`, `${o.description}${o.multiple ? ' (repeatable)' : ''}${aliases}`];
}

function columns(rows: readonly [string, string][], indent = '  '): string {
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `${indent}${a.padEnd(width)}  ${b}`).join('\n');
}

export function mainHelp(commands: readonly Pick<Command, 'name' | 'usage' | 'summary'>[]): string {
  return `meshbench: what does a service mesh cost this workload?

Usage: bench COMMAND [ARGS] [OPTIONS]

Commands:
${columns(commands.map((c) => [`${c.name} ${c.usage}`, c.summary]))}

Options of every command:
${columns([...GLOBAL_OPTIONS.map(optionLine), ['--version, -V', 'the meshbench version']])}

\`bench help COMMAND\` (or \`bench COMMAND --help\`) lists the options of one command.

${EXIT_CODES}
`;
}

export function commandHelp(c: Command): string {
  const options = [...c.options, ...GLOBAL_OPTIONS].map(optionLine);
  return `bench ${c.name}: ${c.summary}

Usage: bench ${c.name} ${c.usage}${c.options.length ? ' [OPTIONS]' : ''}

Options:
${columns(options)}

Example: ${c.args.example}

${EXIT_CODES}
`;
}
