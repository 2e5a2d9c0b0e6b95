/** Reading a scenario for a command: parse, resolve, and check that this build can run it. */
import { resolve } from 'node:path';
import { ScenarioError, type ScenarioIssue } from '../errors.ts';
import { meshAdapter } from '../meshes/index.ts';
import { readScenarioFile, type ParsedScenario } from '../scenario/parse.ts';
import { resolveScenario, type ResolvedScenario } from '../scenario/resolve.ts';

export interface LoadedScenario {
  parsed: ParsedScenario;
  scenario: ResolvedScenario;
}

/** `file` as the user typed it, relative to `cwd`; messages name it that way. */
export async function loadScenario(file: string, cwd: string): Promise<LoadedScenario> {
  const parsed = await readScenarioFile(resolve(cwd, file), file);
  return { parsed, scenario: resolveScenario(parsed.input) };
}

/** Valid scenarios that ask for something not built yet: said before anything starts. */
export function notYetRunnable({ parsed, scenario }: LoadedScenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  if (scenario.platform === 'local') {
    scenario.meshes.forEach((mesh, i) => {
      if (meshAdapter(scenario, mesh).localProfile) return;
      issues.push({
        what: `mesh \`${mesh}\` has no local emulation yet, so platform \`local\` cannot run it`,
        where: parsed.locate(['meshes', i]),
        path: `meshes[${i}]`,
        fix: '`bench render` prints its Kubernetes manifests; remove it from `meshes` to run locally',
      });
    });
  }
  return issues;
}

export function assertRunnable(loaded: LoadedScenario): void {
  const issues = notYetRunnable(loaded);
  if (issues.length) throw new ScenarioError(loaded.parsed.file, issues);
}
