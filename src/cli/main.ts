/**
 * The CLI: `main(argv, io)` returns an exit code and never exits by itself, so tests run it
 * in-process. Only here do errors become exit codes (DESIGN.md "Errors and exit codes").
 */
import { ExitCode, isMeshbenchError, UsageError } from '../errors.ts';
import { checkArgCount, parseCommandLine } from './command.ts';
import { commands, findCommand } from './commands/index.ts';
import { formatError } from './errors-display.ts';
import { commandHelp, mainHelp } from './help.ts';
import type { CliIO } from './io.ts';
import { meshbenchVersion } from './version.ts';

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const name = argv.find((a) => !a.startsWith('-'));
    if (argv.includes('--version')) {
      io.stdout.write(`meshbench ${meshbenchVersion()}\n`);
      return ExitCode.ok;
    }
    if (name === undefined || name === 'help') {
      io.stdout.write(mainHelp(commands));
      const asked = name === 'help' || argv.includes('--help') || argv.includes('-h');
      return asked ? ExitCode.ok : ExitCode.usage;
    }
    const command = findCommand(name);
    if (!command) throw new UsageError({ what: `unknown command "${name}"`, fix: `run \`bench --help\` for the commands: ${commands.map((c) => c.name).join(', ')}` });
    const { args, flags } = parseCommandLine(command, argv.filter((_, i) => i !== argv.indexOf(name)), io);
    if (flags.help === true) {
      io.stdout.write(commandHelp(command));
      return ExitCode.ok;
    }
    checkArgCount(command, args);
    return await command.run({ args, flags, io, debug });
  } catch (error) {
    io.stderr.write(formatError(error, debug));
    return isMeshbenchError(error) ? error.exitCode : ExitCode.runFailed;
  }
}
