/** Scenarios for the tier tests: the shipped Kubernetes scenario with the meshes and settings a test needs. */
import { join } from 'node:path';
import { readScenarioFile } from '../../../src/scenario/parse.ts';
import { resolveScenario, type ResolvedScenario } from '../../../src/scenario/resolve.ts';
import { repoRoot } from '../../helpers.ts';

export async function k8sScenario(meshes: string[], kubernetes: Partial<ResolvedScenario['kubernetes']> = {}): Promise<ResolvedScenario> {
  const base = resolveScenario((await readScenarioFile(join(repoRoot, 'scenarios', 'k8s-istio-vs-appmesh.yaml'))).input);
  return { ...base, meshes, kubernetes: { ...base.kubernetes, ...kubernetes } };
}
