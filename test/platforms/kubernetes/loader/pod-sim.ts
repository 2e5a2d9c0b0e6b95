/**
 * Runs the engine exactly as a loader pod of the Job would, minus the kubelet: the ConfigMap's
 * files in an empty folder (the volume), the container's command and env from the Job (the mount
 * path swapped for that folder, JOB_COMPLETION_INDEX as an Indexed Job sets it), plain Node 24
 * with no node_modules. Its stdout and stderr are kept in the order they came, as the container
 * runtime writes them, so the CRI log it returns is what the kubelet would serve.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesObject } from '../../../../src/meshes/index.ts';
import { SETTINGS_DIR } from '../../../../src/platforms/kubernetes/loader/job.ts';

export interface PodRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The container log in CRI format (`TIME STREAM F line`), one entry per line, in order. */
  criLog: string;
}

interface Container {
  command: string[];
  env: { name: string; value: string }[];
}

export function runAsPod(configMap: KubernetesObject, job: KubernetesObject, index: number, extraEnv: Record<string, string> = {}): Promise<PodRun> {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-loader-pod-'));
  for (const [file, text] of Object.entries(configMap.data as Record<string, string>)) writeFileSync(join(dir, file), text);
  const c = (job as unknown as { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec.containers[0]!;
  const here = (v: string) => v.replace(SETTINGS_DIR, dir);
  const env = Object.fromEntries(c.env.map((e) => [e.name, here(e.value)]));
  const [cmd, ...args] = c.command.map(here);
  // `node` in the image is Node 24: this process's own binary is the repository's Node 24.
  const child = spawn(cmd === 'node' ? process.execPath : cmd!, args, { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env, JOB_COMPLETION_INDEX: String(index), ...extraEnv } });
  let stdout = '';
  let stderr = '';
  const entries: string[] = [];
  const partial = { stdout: '', stderr: '' };
  const feed = (stream: 'stdout' | 'stderr', chunk: string) => {
    const lines = (partial[stream] + chunk).split('\n');
    partial[stream] = lines.pop()!;
    for (const l of lines) entries.push(`${new Date().toISOString()} ${stream} F ${l}`);
  };
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    feed('stdout', d.toString());
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    feed('stderr', d.toString());
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, criLog: entries.map((e) => `${e}\n`).join('') })));
}
