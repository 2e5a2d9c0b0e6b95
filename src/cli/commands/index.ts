/**
 * Every command of `bench`, in the order help lists them. A command's module, and what it
 * imports (the Kubernetes client, the load engines, the reporters), loads only when that command
 * runs: `bench --version`, `--help` and `validate` would otherwise pay over a second of CPU for
 * modules they never use. Names, summaries and usages are repeated here for `bench --help`;
 * test/cli/help.test.ts holds them equal to the commands' own.
 */
import type { Command } from '../command.ts';

export interface CommandEntry {
  name: string;
  summary: string;
  usage: string;
  load(): Promise<Command>;
}

export const commands: readonly CommandEntry[] = [
  { name: 'run', summary: 'run every trial; writes results/<UTC time>-<name>/ (result.json and every report)', usage: '[SCENARIO]', load: async () => (await import('./run.ts')).runCommand },
  { name: 'plan', summary: 'print the trials in run order, the estimated duration, and what the run will need here (checked now); starts no trial', usage: 'SCENARIO', load: async () => (await import('./plan.ts')).planCommand },
  { name: 'validate', summary: 'check scenario files; every problem with file:line:column and a hint', usage: 'SCENARIO...', load: async () => (await import('./validate.ts')).validateCommand },
  { name: 'compare', summary: "gate a run against a baseline (a result, a folder of past results, or another tool's output); exit 1 on regression or no data; --record writes the verdicts into the candidate's result.json", usage: 'BASELINE CANDIDATE', load: async () => (await import('./compare.ts')).compareCommand },
  { name: 'accept', summary: 'let a regressed run serve as a rolling baseline: the change was deliberate (recorded in its result.json)', usage: 'RUN', load: async () => (await import('./accept.ts')).acceptCommand },
  { name: 'import', summary: "turn other tools' results (Fortio JSON, .hlog, wrk2 --latency, k6 --summary-export) into a meshbench result, usable as a baseline", usage: 'FILE...', load: async () => (await import('./import.ts')).importCommand },
  { name: 'export', summary: "write a result in other tools' formats: Fortio JSON (Istio's plotting tools read it) or Service Mesh Performance (Meshery)", usage: 'RESULT', load: async () => (await import('./export.ts')).exportCommand },
  { name: 'report', summary: 'write the reports again from a result.json alone (html, md, csv, junit, hlog)', usage: 'RESULT...', load: async () => (await import('./report.ts')).reportCommand },
  { name: 'history', summary: 'a scenario\'s runs as a trend page (html, csv), with change points and environment changes marked', usage: 'RESULTS_DIR', load: async () => (await import('./history.ts')).historyCommand },
  { name: 'render', summary: "print each mesh's Kubernetes objects, in apply order (for review, GitOps or kubectl apply --dry-run=server)", usage: 'SCENARIO', load: async () => (await import('./render.ts')).renderCommand },
  { name: 'cleanup', summary: 'Kubernetes: list and delete what runs left behind (objects labelled app.kubernetes.io/managed-by=meshbench)', usage: '', load: async () => (await import('./cleanup.ts')).cleanupCommand },
  { name: 'schema', summary: 'print the scenario JSON Schema (for editor autocompletion; also in docs/scenario.schema.json)', usage: '', load: async () => (await import('./schema.ts')).schemaCommand },
];

export function findCommand(name: string): CommandEntry | undefined {
  return commands.find((c) => c.name === name);
}

/** Every command, loaded: for tests and tools that walk them all. */
export function loadCommands(): Promise<Command[]> {
  return Promise.all(commands.map((c) => c.load()));
}
