/** `bench render SCENARIO [--mesh M] [-o yaml|json]`: the Kubernetes objects of each mesh's trial, in apply order. */
import { stringify } from 'yaml';
import { ExitCode, UsageError } from '../../errors.ts';
import { renderTrial } from '../../platforms/kubernetes/render.ts';
import type { CliIO } from '../io.ts';
import { loadScenario } from '../scenario-input.ts';

/** A fixed run id, so that rendering twice gives the same manifests (reviews, GitOps). */
export const RENDER_RUN_ID = 'render';

export async function renderCommand(args: readonly string[], flags: { mesh: string | undefined; output: string | undefined }, io: CliIO): Promise<number> {
  if (args.length !== 1) throw new UsageError({ what: `\`bench render\` takes one scenario file, got ${args.length}`, fix: 'bench render scenarios/k8s-istio-vs-appmesh.yaml --mesh istio' });
  const format = flags.output ?? 'yaml';
  if (format !== 'yaml' && format !== 'json') throw new UsageError({ what: `-o must be yaml or json, not "${format}"`, fix: '-o yaml' });
  const { scenario } = await loadScenario(args[0]!, io.cwd);
  const chosen = flags.mesh === undefined ? scenario.meshes : [flags.mesh];
  if (flags.mesh !== undefined && !scenario.meshes.includes(flags.mesh)) {
    throw new UsageError({ what: `mesh "${flags.mesh}" is not in this scenario`, where: args[0], fix: `use one of: ${scenario.meshes.join(', ')}` });
  }
  const objects = chosen.flatMap((mesh) => renderTrial(scenario, mesh, RENDER_RUN_ID));
  if (format === 'json') io.stdout.write(`${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`);
  else io.stdout.write(objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'));
  return ExitCode.ok;
}
