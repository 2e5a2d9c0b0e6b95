/**
 * Helpers of the redline tests, end to end: the real CLI in its own process, a real open-loop loader, and targets whose
 * capacity is known. The machine is shared (other runs load both cores), so the objective is wide
 * (P99 ≤ 250 ms) and the loader's lag limit loose: what is under test is where the search lands,
 * and overload past a capacity grows the queue by the excess every second, far past 250 ms.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RunResult } from '../../src/results/model.ts';
import { fixture, repoRoot } from '../helpers.ts';

export interface Target {
  url: string;
  child: ChildProcess;
}

/** The known-capacity target in its own process: `admit` slots of `serviceMs` each. */
export async function startTarget(admit: number, serviceMs: number): Promise<Target> {
  const child = spawn(process.execPath, [fixture('targets/capacity-target.ts')], { env: { ...process.env, ADMIT: String(admit), SERVICE_MS: String(serviceMs) }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`capacity target exited with ${code}`)));
  });
  return { url, child };
}

export const stop = (t: Target) => new Promise<void>((resolve) => (t.child.exitCode !== null ? resolve() : (t.child.once('exit', () => resolve()), t.child.kill('SIGTERM'))));

export function bench(dir: string, args: string[], timeoutMs: number) {
  return spawnSync(process.execPath, [join(repoRoot, 'bin/bench.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: timeoutMs });
}

export function readResult(dir: string, output = 'out'): RunResult {
  const [folder] = readdirSync(join(dir, output));
  return JSON.parse(readFileSync(join(dir, output, folder!, 'result.json'), 'utf8')) as RunResult;
}

export const steps = (r: RunResult) => r.trials.map((t) => `${t.trial.mesh}@${t.trial.level.targetRps}:${t.status}`).join(' ');

