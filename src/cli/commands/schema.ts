import { ExitCode } from '../../errors.ts';
import { scenarioJsonSchema } from '../../scenario/schema.ts';
import type { Command } from '../command.ts';

/** `bench schema`: the scenario JSON Schema, for `# yaml-language-server: $schema=...`. */
export const schemaCommand: Command = {
  name: 'schema',
  summary: 'print the scenario JSON Schema (for editor autocompletion; also in docs/scenario.schema.json)',
  usage: '',
  args: { min: 0, max: 0, example: 'bench schema > scenario.schema.json' },
  options: [],
  async run({ io }) {
    io.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    return ExitCode.ok;
  },
};
