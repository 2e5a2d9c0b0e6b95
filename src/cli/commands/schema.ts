import { ExitCode } from '../../errors.ts';
import { scenarioJsonSchema } from '../../scenario/schema.ts';
import type { CliIO } from '../io.ts';

/** `bench schema`: the scenario JSON Schema, for `# yaml-language-server: $schema=...`. */
export function schemaCommand(io: CliIO): number {
  io.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  return ExitCode.ok;
}
