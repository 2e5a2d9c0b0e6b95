/** `bench render SCENARIO [--mesh M] [-o yaml|json]`: the Kubernetes objects of each mesh's trial, in apply order. */
import { stringify } from 'yaml';
import { ExitCode, UsageError } from '../../errors.ts';
import { renderTrial } from '../../platforms/kubernetes/render.ts';
import { stringFlag, type Command } from '../command.ts';
import type { CliIO } from '../io.ts';
import { loadScenario } from '../scenario-input.ts';

/** A fixed run id, so that rendering twice gives the same manifests (reviews, GitOps). */
export const RENDER_RUN_ID = 'render';

export const renderCommand: Command = {
  name: 'render',
  summary: "print each mesh's Kubernetes objects, in apply order (for review, GitOps or kubectl apply --dry-run=server)",
  usage: 'SCENARIO',
  args: { min: 1, max: 1, example: 'bench render scenarios/k8s-istio-vs-appmesh.yaml --mesh istio' },
  options: [
    { name: 'mesh', type: 'string', value: 'M', description: 'one mesh only' },
    { name: 'format', type: 'string', value: 'yaml|json', description: 'YAML documents (default) or a JSON List', aliases: ['o', 'output-format'] },
  ],
  run: (ctx) => render(ctx.args[0]!, stringFlag(ctx.flags, 'mesh'), stringFlag(ctx.flags, 'format') ?? 'yaml', ctx.io),
};

async function render(file: string, mesh: string | undefined, format: string, io: CliIO): Promise<number> {
  if (format !== 'yaml' && format !== 'json') throw new UsageError({ what: `--format must be yaml or json, not "${format}"`, fix: '--format yaml' });
  const { scenario } = await loadScenario(file, io.cwd);
  const chosen = mesh === undefined ? scenario.meshes : [mesh];
  if (mesh !== undefined && !scenario.meshes.includes(mesh)) {
    throw new UsageError({ what: `mesh "${mesh}" is not in this scenario`, where: file, fix: `use one of: ${scenario.meshes.join(', ')}` });
  }
  const objects = chosen.flatMap((m) => renderTrial(scenario, m, RENDER_RUN_ID));
  if (format === 'json') io.stdout.write(`${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`);
  else io.stdout.write(objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'));
  return ExitCode.ok;
}
