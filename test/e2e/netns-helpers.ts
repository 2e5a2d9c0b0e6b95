/** What a netns-layout run leaves behind, and the processes a running `bench` started. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { interfaceTag } from '../../src/platforms/local/netns/plan.ts';

const sh = (cmd: string, args: string[]) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' });
  } catch {
    return '';
  }
};

/**
 * The run's namespaces (any trial), links in the root namespace carrying one of its trials'
 * interface tags (trials t0..t49), and root iptables lines naming the run: all should be gone.
 */
export function netnsLeft(runId: string): string[] {
  const tags = Array.from({ length: 50 }, (_, i) => interfaceTag(runId, `t${i}`));
  return [
    ...sh('ip', ['netns', 'list']).split('\n').filter((l) => l.startsWith(`meshbench-${runId}-`)).map((l) => `netns ${l}`),
    ...sh('ip', ['-o', 'link']).split('\n').filter((l) => tags.some((t) => l.includes(t))).map((l) => `link ${l}`),
    ...sh('iptables-save', []).split('\n').filter((l) => l.includes(runId)).map((l) => `iptables ${l}`),
  ];
}

/** Live children of `parent` whose command line starts with `exe` (ztunnel runs as the bench's own child). */
export function childrenRunning(parent: number, exe: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (/^State:\s+Z/m.test(status) || Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) !== parent) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').startsWith(exe)) pids.push(Number(entry));
    } catch {
      // it ended while we looked
    }
  }
  return pids;
}

/**
 * The fault matrix's short, lag-tolerant scenario (fault-helpers.ts), with the netns layout pinned:
 * these tests are about that layout whatever the default becomes.
 */
export function netnsScenarioYaml(o: { name: string; meshes: string; duration: string; repetitions?: number }): string {
  return [
    `name: ${o.name}`,
    `meshes: ${o.meshes}`,
    'local:',
    '  layout: netns',
    'load:',
    '  mode: rate',
    '  rate: 200',
    '  connections: 2',
    '  warmup: 500ms',
    `  duration: ${o.duration}`,
    '  timeout: 1s',
    '  schedulerLagLimit: 50ms',
    'resources:',
    '  sampleInterval: 250ms',
    `repetitions: ${o.repetitions ?? 1}`,
    '',
  ].join('\n');
}
