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
    if (argv.includes('--version') || argv.includes('-V')) {
      io.stdout.write(`meshbench ${meshbenchVersion()}\n`);
      return ExitCode.ok;
    }
    const asked = argv.includes('--help') || argv.includes('-h');
    if (name === undefined && asked) {
      io.stdout.write(mainHelp(commands));
      return ExitCode.ok;
    }
    if (name === undefined) {
      // Usage to stderr: a script that forgot its command must not read the help as output.
      io.stderr.write(`${mainHelp(commands)}\nerror: no command given (exit 2); \`bench run scenarios/http-basic.yaml\` is a start\n`);
      return ExitCode.usage;
    }
    if (name === 'help') {
      // `bench help CMD` is `bench CMD --help`, as git and npm have it.
      const topic = argv.filter((a) => !a.startsWith('-'))[1];
      if (topic === undefined) {
        io.stdout.write(mainHelp(commands));
        return ExitCode.ok;
      }
      const entry = findCommand(topic);
      if (!entry) throw unknownCommand(topic);
      io.stdout.write(commandHelp(await entry.load()));
      return ExitCode.ok;
    }
    const entry = findCommand(name);
    if (!entry) throw unknownCommand(name);
    const command = await entry.load();
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

function unknownCommand(name: string): UsageError {
  return new UsageError({ what: `unknown command "${name}"`, fix: `run \`bench --help\` for the commands: ${commands.map((c) => c.name).join(', ')}` });
}
