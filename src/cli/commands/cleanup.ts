/**
 * `bench cleanup`: what a killed run (`kill -9`, a lost CI runner) left in the cluster, found by
 * meshbench's ownership label and deleted; an object without that label is never touched.
 */
import { ExitCode, UsageError } from '../../errors.ts';
import { cleanup, formatCleanup, KubeClient } from '../../platforms/kubernetes/index.ts';
import { booleanFlag, stringFlag, type Command } from '../command.ts';
import { KUBE_OPTIONS } from '../options.ts';

export const cleanupCommand: Command = {
  name: 'cleanup',
  summary: 'Kubernetes: list and delete what runs left behind (objects labelled app.kubernetes.io/managed-by=meshbench)',
  usage: '',
  args: { min: 0, max: 0, example: 'bench cleanup --all --dry-run' },
  options: [
    { name: 'run', type: 'string', value: 'ID', description: 'only this run\'s objects (its run id, as in result.json and the namespaces\' names)' },
    { name: 'all', type: 'boolean', description: 'every run\'s objects' },
    { name: 'dry-run', type: 'boolean', description: 'list them, delete nothing' },
    ...KUBE_OPTIONS,
  ],
  async run({ flags, io }) {
    const runId = stringFlag(flags, 'run');
    const all = booleanFlag(flags, 'all');
    if (!runId === !all) {
      throw new UsageError({ what: runId ? '--run and --all were both given' : 'which run\'s objects: neither --run nor --all was given', where: 'bench cleanup', fix: 'give --run ID for one run, or --all for every run (add --dry-run to only list them)' });
    }
    const dryRun = booleanFlag(flags, 'dry-run');
    const client = KubeClient.fromAccess({ kubeconfig: stringFlag(flags, 'kubeconfig'), context: stringFlag(flags, 'context') }, io.env);
    const result = await cleanup(client, { ...(runId ? { runId } : { all: true }), dryRun, signal: io.signal });
    io.stdout.write(formatCleanup(result, dryRun));
    // Something still there after a real cleanup is for CI to notice.
    return !dryRun && result.remaining.length > 0 ? ExitCode.runFailed : ExitCode.ok;
  },
};
