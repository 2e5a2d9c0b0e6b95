/**
 * The fault matrix's tools: the real `bench` CLI as a child process, a scenario made for short
 * trials on this loaded 2-core machine, and the checks every fault test ends with (exit code,
 * result.json, nothing left running, no temp file).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as assert from 'uvu/assert';
import type { RunResult } from '../../src/results/model.ts';
import { processesWith, repoRoot } from '../helpers.ts';

/**
 * Short trials, tolerant of a shared machine: 200 rps on 2 connections, 50 ms scheduler lag
 * allowed (this VM pauses for a few ms now and then; the matrix is about faults, not precision).
 */
/**
 * The fault matrix inspects loopback processes and ports: its scenarios pin `local.layout:
 * loopback`, since as root the default would lay pods out as network namespaces.
 */
export function scenarioYaml(o: { name: string; meshes?: string; warmup?: string; duration?: string; repetitions?: number; extra?: string; layout?: 'loopback' | 'netns'; sidecar?: 'envoy' | 'haproxy' }): string {
  return [
    `name: ${o.name}`,
    `meshes: ${o.meshes ?? '[none]'}`,
    'local:',
    `  layout: ${o.layout ?? 'loopback'}`,
    ...(o.sidecar ? [`  sidecar: ${o.sidecar}`] : []),
    'load:',
    '  mode: rate',
    '  rate: 200',
    '  connections: 2',
    `  warmup: ${o.warmup ?? '500ms'}`,
    `  duration: ${o.duration ?? '1s'}`,
    '  timeout: 1s',
    '  schedulerLagLimit: 50ms',
    'resources:',
    '  sampleInterval: 250ms',
    `repetitions: ${o.repetitions ?? 1}`,
    o.extra ?? '',
  ].join('\n');
}

export interface BenchRun {
  child: ChildProcess;
  dir: string;
  outDir: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal) and how long the run took from the spawn. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  startedMs: number;
}

/** Starts `bench run` on `yaml` in a fresh folder; `wrap` runs it under another command (unshare, setpriv). */
export function startBench(yaml: string, o: { wrap?: string[]; args?: string[]; dir?: string; outDir?: string } = {}): BenchRun {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'meshbench-fault-'));
  writeFileSync(join(dir, 'scenario.yaml'), yaml);
  const outDir = o.outDir ?? join(dir, 'out');
  const argv = [process.execPath, join(repoRoot, 'bin/bench.js'), 'run', 'scenario.yaml', '--output', outDir, ...(o.args ?? [])];
  const [command, ...args] = [...(o.wrap ?? []), ...argv];
  const startedMs = performance.now();
  const child = spawn(command!, args, { cwd: dir, env: { ...process.env, CI: 'true' } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, ms: Math.round(performance.now() - startedMs) })),
  );
  return { child, dir, outDir, stdout: () => out, stderr: () => err, exited, startedMs };
}

/** Polls `check` every 10 ms until it returns a value, for at most `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs: number, run?: BenchRun): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = check();
    if (found !== undefined && found !== false) return found;
    await sleep(10);
  }
  return assert.unreachable(`${what}: not within ${timeoutMs} ms${run ? `\nstderr: ${run.stderr()}\nstdout: ${run.stdout()}` : ''}`) as never;
}

/** The exit of a run, failing the test when it takes longer than `boundMs`. */
export async function exitWithin(run: BenchRun, boundMs: number): Promise<{ code: number | null; ms: number }> {
  const timeout = sleep(boundMs).then(() => 'timeout' as const);
  const exit = await Promise.race([run.exited, timeout]);
  if (exit === 'timeout') {
    run.child.kill('SIGKILL');
    return assert.unreachable(`the run did not end within ${boundMs} ms\nstderr: ${run.stderr()}`) as never;
  }
  return exit;
}

export function resultFolders(outDir: string): string[] {
  return existsSync(outDir) ? readdirSync(outDir).map((f) => join(outDir, f)) : [];
}

export function readResultIn(folder: string): RunResult | undefined {
  const file = join(folder, 'result.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunResult) : undefined;
}

/** result.json of the run's only folder, once it exists. */
export function currentResult(run: BenchRun): RunResult | undefined {
  const [folder] = resultFolders(run.outDir);
  return folder ? readResultIn(folder) : undefined;
}

/** pid → role ("workload", "sidecar-workload-t1" (Envoy), "sidecar-inbound-t1" (HAProxy), ...) of the run's processes now. */
export function runProcesses(runId: string): Map<number, string> {
  const roles = new Map<number, string>();
  for (const pid of processesWith(runId)) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const role = /workload\/main\.ts/.test(cmdline) ? 'workload' : /(sidecar-(?:inbound|outbound|workload|loadgen)-t\d+)\.(?:cfg|json)/.exec(cmdline)?.[1];
      if (role) roles.set(pid, role);
    } catch {
      // it ended while we looked
    }
  }
  return roles;
}

export function pidOf(runId: string, role: string): number | undefined {
  for (const [pid, r] of runProcesses(runId)) if (r === role) return pid;
  return undefined;
}

/**
 * Nothing of the run is left: no process (given `graceMs` to die with their parent: the kernel
 * delivers the parent-death signal, but not in the same instant), no working folder with keys,
 * no temp file beside result.json.
 */
export async function assertNothingLeft(runId: string, folders: readonly string[], graceMs = 2_000): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (processesWith(runId).length > 0 && Date.now() < deadline) await sleep(20);
  assert.equal(processesWith(runId), [], `processes of run ${runId} are still alive: ${[...runProcesses(runId).values()].join(', ')}`);
  const workDirs = readdirSync(tmpdir()).filter((d) => d.startsWith(`meshbench-${runId}`));
  const inside = workDirs.flatMap((d) => readdirSync(join(tmpdir(), d), { recursive: true }).map(String));
  assert.equal(workDirs, [], `the working folder with keys was left behind, holding: ${inside.join(', ') || '(nothing)'}`);
  for (const folder of folders) {
    if (!existsSync(folder)) continue;
    assert.equal(readdirSync(folder).filter((f) => f.endsWith('.tmp')), [], `temp files left in ${folder}`);
  }
}

/** "trial 2/4 istio c2-r200 rep 1: measure" has been printed. */
export function reached(run: BenchRun, trial: number, stage: 'deploy' | 'measure'): boolean {
  return new RegExp(`trial ${trial}/\\d+ \\S+ \\S+ rep \\d+: ${stage}`).test(run.stderr());
}

/** One line per fault for docs/reliability.md: how long the fault took to resolve here. */
export function report(fault: string, ms: number, exitCode: number | null): void {
  console.log(`  [fault matrix] ${fault}: resolved in ${ms} ms, exit ${exitCode}`);
}
