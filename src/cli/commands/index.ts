/** Every command of `bench`, in the order help lists them. */
import type { Command } from '../command.ts';
import { acceptCommand } from './accept.ts';
import { cleanupCommand } from './cleanup.ts';
import { exportCommand } from './export.ts';
import { historyCommand } from './history.ts';
import { importCommand } from './import.ts';
import { compareCommand } from './compare.ts';
import { planCommand } from './plan.ts';
import { renderCommand } from './render.ts';
import { reportCommand } from './report.ts';
import { runCommand } from './run.ts';
import { schemaCommand } from './schema.ts';
import { validateCommand } from './validate.ts';

export const commands: readonly Command[] = [runCommand, planCommand, validateCommand, compareCommand, acceptCommand, importCommand, exportCommand, reportCommand, historyCommand, renderCommand, cleanupCommand, schemaCommand];

export function findCommand(name: string): Command | undefined {
  return commands.find((c) => c.name === name);
}
