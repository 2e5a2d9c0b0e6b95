/**
 * The CLI: `main(argv, io)` returns an exit code and never exits by itself, so tests run it
 * in-process. Only here do errors become exit codes (DESIGN.md "Errors and exit codes").
 */
import { parseArgs } from 'node:util';
import { ExitCode, isMeshbenchError, UsageError } from '../errors.ts';
import { compareCommand } from './commands/compare.ts';
import { planCommand } from './commands/plan.ts';
import { renderCommand } from './commands/render.ts';
import { costAssumptions, reportCommand } from './commands/report.ts';
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
  bench compare BASELINE CANDIDATE [--gate EXPR]  check a run against a baseline; exit 1 on regression
  bench report RESULT [--format F,..] [--out DIR] write reports again from result.json (html, md, csv, junit, hlog)
  bench render SCENARIO [--mesh M] [-o yaml|json] print each mesh's Kubernetes objects, in apply order
  bench schema                                    print the scenario JSON Schema (for editor autocompletion)

Options:
  --dry-run      plan only: print the trials and the estimated duration, start nothing
  --output DIR   write the results folder under DIR instead of the scenario's \`output\`
  --baseline P   (run) compare with P at the end (a result.json, or a folder of past results)
  --gate EXPR    a gate, e.g. "p99 < +10%", "istio:p50 < +0.2ms", "rps > -5%" (repeatable;
                 default: the scenario's gates, else p50 < +10%, p99 < +10%, rps > -5%)
  --inconclusive pass|fail   what a gate whose interval straddles its threshold counts as (pass)
  --force        compare different scenarios or machines anyway (the report lists what differs)
  --baseline-runs N          runs of a baseline folder to use, newest first (5)
  --markdown F, --junit F    also write the comparison as Markdown / JUnit XML
  --mesh M, -o yaml|json     (render) one mesh only; YAML documents or a JSON List
  --format F,..  (report) which reports: html, md, csv, junit, hlog (all)
  --out DIR      (report) where to write them (the result's folder)
  --pods N, --usd-per-vcpu-hour X, --usd-per-gib-hour Y   cost assumptions of the HTML and
                 Markdown reports (100 pods, AWS Fargate on-demand prices)
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
        baseline: { type: 'string' },
        gate: { type: 'string', multiple: true, default: [] },
        inconclusive: { type: 'string' },
        force: { type: 'boolean', default: false },
        'baseline-runs': { type: 'string' },
        markdown: { type: 'string' },
        junit: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        pods: { type: 'string' },
        'usd-per-vcpu-hour': { type: 'string' },
        'usd-per-gib-hour': { type: 'string' },
        mesh: { type: 'string' },
        'output-format': { type: 'string', short: 'o' },
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
    const compareFlags = {
      gates: values.gate,
      inconclusive: values.inconclusive,
      force: values.force,
      baselineRuns: values['baseline-runs'],
      markdown: values.markdown,
      junit: values.junit,
    };
    const reportFlags = {
      format: values.format,
      out: values.out,
      pods: values.pods,
      usdPerVcpuHour: values['usd-per-vcpu-hour'],
      usdPerGibHour: values['usd-per-gib-hour'],
    };
    const one = () => {
      if (rest.length !== 1) throw new UsageError({ what: `\`bench ${command}\` takes one scenario file, got ${rest.length}`, fix: `bench ${command} scenarios/http-basic.yaml` });
      return rest[0]!;
    };
    switch (command) {
      case 'run':
        return await runCommand(one(), { dryRun: values['dry-run'], output: values.output, baseline: values.baseline, compare: compareFlags, cost: costAssumptions(reportFlags) }, io);
      case 'compare':
        return await compareCommand(rest, compareFlags, io);
      case 'report':
        return await reportCommand(rest, reportFlags, io);
      case 'render':
        return await renderCommand(rest, { mesh: values.mesh, output: values['output-format'] }, io);
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
