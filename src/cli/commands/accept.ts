/** `bench accept RUN`: a person takes a regressed run as the new normal (a deliberate change). */
import { resolve } from 'node:path';
import { ExitCode, UsageError } from '../../errors.ts';
import { resolveResultFile } from '../../results/compare/index.ts';
import { acceptedRun } from '../../results/gate-record.ts';
import { readResult } from '../../results/store.ts';
import { writeResult } from '../../run/outputs.ts';
import { stringFlag, type Command } from '../command.ts';

export const acceptCommand: Command = {
  name: 'accept',
  summary: 'let a regressed run serve as a rolling baseline: the change was deliberate (recorded in its result.json)',
  usage: 'RUN',
  args: { min: 1, max: 1, example: 'bench accept results/nightly/20261122T093000Z-http-basic/ --reason "Istio 1.30 upgrade, accepted by the platform team"' },
  options: [{ name: 'reason', type: 'string', value: 'TEXT', description: 'why the change is accepted (kept in result.json; required)' }],
  async run({ args, flags, io }) {
    const reason = stringFlag(flags, 'reason');
    if (!reason?.trim()) throw new UsageError({ what: '`bench accept` needs a --reason', fix: 'say why this change is the new normal, e.g. --reason "Istio 1.30 upgrade"' });
    const file = await resolveResultFile(resolve(io.cwd, args[0]!));
    if (!file) throw new UsageError({ what: 'no result.json here', where: args[0], fix: 'pass the result.json (or the results folder) of the run to accept' });
    const result = await readResult(file);
    await writeResult(file, acceptedRun(result, reason.trim(), new Date()));
    const was = result.gate ? `its gate said ${result.gate.outcome} against ${result.gate.baseline}` : 'it was never gated';
    io.stdout.write(`Accepted run ${result.runId} (${was}); it may now serve in a rolling baseline.\n`);
    return ExitCode.ok;
  },
};
