/**
 * The CLI: `main(argv, io)` returns an exit code and never exits by itself, so tests run it
 * in-process. Only here do errors become exit codes (DESIGN.md "Errors and exit codes").
 */
import { parseArgs } from 'node:util';
import { ExitCode, isMeshbenchError, UsageError } from '../errors.ts';
import { planCommand } from './commands/plan.ts';
import { runCommand } from './commands/run.ts';
import { schemaCommand } from './commands/schema.ts';
import { validateCommand } from './commands/validate.ts';
import { formatError } from './errors-display.ts';
import type { CliIO } from './io.ts';
import { meshbenchVersion } from './version.ts';

export const HELP = `meshbench: what does a service mesh cost this workload?

Usage:
  bench run SCENARIO [--dry-run] [--output DIR]   run every trial, write results/<time>-<name>/
  bench plan SCENARIO                             print the trials in run order and the duration
  bench validate SCENARIO...                      check scenario files; every problem with file:line:column
  bench schema                                    print the scenario JSON Schema (for editor autocompletion)

Options:
  --dry-run      plan only: print the trials and the estimated duration, start nothing
  --output DIR   write the results folder under DIR instead of the scenario's \`output\`
  --debug        print stack traces with errors
  -h, --help     this help
  --version      the meshbench version

Exit codes: 0 ok · 1 a gate found a regression · 2 usage or scenario error · 3 the run failed
(finished trials stay on disk). Ctrl-C stops the run, tears everything down and keeps results.
`;

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  let debug = argv.includes('--debug');
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean', default: false },
        output: { type: 'string' },
        debug: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    });
    debug = values.debug;
    const [command, ...rest] = positionals;
    if (values.version) {
      io.stdout.write(`meshbench ${meshbenchVersion()}\n`);
      return ExitCode.ok;
    }
    if (values.help || command === undefined || command === 'help') {
      io.stdout.write(HELP);
      return command === undefined && !values.help ? ExitCode.usage : ExitCode.ok;
    }
    const one = () => {
      if (rest.length !== 1) throw new UsageError({ what: `\`bench ${command}\` takes one scenario file, got ${rest.length}`, fix: `bench ${command} scenarios/http-basic.yaml` });
      return rest[0]!;
    };
    switch (command) {
      case 'run':
        return await runCommand(one(), { dryRun: values['dry-run'], output: values.output }, io);
      case 'plan':
        return await planCommand(one(), io);
      case 'validate':
        if (rest.length === 0) throw new UsageError({ what: '`bench validate` needs at least one scenario file', fix: 'bench validate scenarios/*.yaml' });
        return await validateCommand(rest, io, debug);
      case 'schema':
        return schemaCommand(io);
      default:
        throw new UsageError({ what: `unknown command "${command}"`, fix: 'run `bench --help` for the commands' });
    }
  } catch (error) {
    const usage = error instanceof TypeError && (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    if (usage) {
      io.stderr.write(formatError(new UsageError({ what: error.message, fix: 'run `bench --help` for the options' }), debug));
      return ExitCode.usage;
    }
    io.stderr.write(formatError(error, debug));
    return isMeshbenchError(error) ? error.exitCode : ExitCode.runFailed;
  }
}
