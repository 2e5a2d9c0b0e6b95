/**
 * The local platform's collector: Linux procfs. CPU from the cumulative utime + stime of each
 * process (its threads included), plus what its waited-for children used (cutime + cstime) and
 * its live descendants, differenced over exactly the measured window; never averaged percentages.
 * Memory from VmRSS (process and descendants) sampled at an interval, as average and maximum.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { RunError } from '../errors.ts';
import type { WatchedContainer } from '../platforms/types.ts';
import type { Collector, CollectorWindow, ResourceUsage } from './types.ts';

export interface ProcfsCollectorOptions {
  /** Memory (and per-interval CPU) sampling period; default 1000 ms. */
  intervalMs?: number;
  procRoot?: string;
}

interface Reading {
  atMs: number;
  cpuTicks: number;
  rssBytes: number;
}

let clockTicksPerSecond: Promise<number> | undefined;

/** USER_HZ, the unit of utime/stime in /proc/<pid>/stat (100 on nearly every Linux). */
function clockTicks(): Promise<number> {
  clockTicksPerSecond ??= promisify(execFile)('getconf', ['CLK_TCK']).then(
    ({ stdout }) => Number(stdout.trim()) || 100,
    () => 100,
  );
  return clockTicksPerSecond;
}

/** utime + stime + cutime + cstime of one process, in clock ticks. */
async function processTicks(procRoot: string, pid: number): Promise<number> {
  const stat = await readFile(`${procRoot}/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  return Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
}

async function rssBytes(procRoot: string, pid: number): Promise<number> {
  const status = await readFile(`${procRoot}/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
}

async function childrenOf(procRoot: string, pid: number): Promise<number[]> {
  const tasks = await readFile(`${procRoot}/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return tasks.split(' ').filter(Boolean).map(Number);
}

/** The process and all its live descendants. */
async function processTree(procRoot: string, pid: number): Promise<number[]> {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(await childrenOf(procRoot, tree[i]!)));
  return tree;
}

async function read(procRoot: string, c: WatchedContainer): Promise<Reading> {
  const atMs = performance.now();
  try {
    const pids = await processTree(procRoot, c.pid!);
    const [ticks, rss] = await Promise.all([
      Promise.all(pids.map((p) => processTicks(procRoot, p).catch(() => 0))),
      Promise.all(pids.map((p) => rssBytes(procRoot, p).catch(() => 0))),
    ]);
    // The root must still be there; a descendant that just exited only loses its last ticks.
    if (ticks[0] === 0 && rss[0] === 0) await readFile(`${procRoot}/${c.pid}/stat`);
    return { atMs, cpuTicks: ticks.reduce((a, b) => a + b, 0), rssBytes: rss.reduce((a, b) => a + b, 0) };
  } catch (cause) {
    throw new RunError({
      what: `${c.pod}/${c.container} (pid ${c.pid}) is gone: it exited during the measured window`,
      where: 'procfs collector',
      fix: 'look for a crash of that process; a trial whose process died has no resource figures',
      cause,
    });
  }
}

export class ProcfsCollector implements Collector {
  readonly name = 'procfs';
  private readonly intervalMs: number;
  private readonly procRoot: string;

  constructor(o: ProcfsCollectorOptions = {}) {
    this.intervalMs = o.intervalMs ?? 1_000;
    this.procRoot = o.procRoot ?? '/proc';
  }

  async begin(containers: readonly WatchedContainer[]): Promise<CollectorWindow> {
    const watched = containers.filter((c) => c.pid !== undefined);
    const hz = await clockTicks();
    const first = await Promise.all(watched.map((c) => read(this.procRoot, c)));
    const last = [...first];
    const maxCores = watched.map(() => 0);
    const rss = watched.map((_, i) => ({ sum: first[i]!.rssBytes, max: first[i]!.rssBytes, n: 1 }));
    let sampleError: unknown;

    const take = async () => {
      const now = await Promise.all(watched.map((c) => read(this.procRoot, c)));
      now.forEach((r, i) => {
        const prev = last[i]!;
        const seconds = (r.atMs - prev.atMs) / 1_000;
        if (seconds > 0) maxCores[i] = Math.max(maxCores[i]!, (r.cpuTicks - prev.cpuTicks) / hz / seconds);
        last[i] = r;
        const m = rss[i]!;
        m.sum += r.rssBytes;
        m.max = Math.max(m.max, r.rssBytes);
        m.n++;
      });
    };
    // Samples run one after another, so a slow read never interleaves with the next or with end().
    let sampling = Promise.resolve();
    const sample = () => (sampling = sampling.then(take));
    const timer = setInterval(() => void sample().catch((e: unknown) => (sampleError ??= e)), this.intervalMs);
    timer.unref();

    return {
      cancel: () => clearInterval(timer),
      end: async (): Promise<ResourceUsage[]> => {
        clearInterval(timer);
        await sample().catch((e: unknown) => (sampleError ??= e));
        if (sampleError) throw sampleError;
        return watched.map((c, i) => {
          const windowMs = last[i]!.atMs - first[i]!.atMs;
          const cpuCores = windowMs > 0 ? (last[i]!.cpuTicks - first[i]!.cpuTicks) / hz / (windowMs / 1_000) : 0;
          const m = rss[i]!;
          return {
            pod: c.pod,
            container: c.container,
            role: c.role,
            cpuCores,
            cpuCoresMax: Math.max(maxCores[i]!, cpuCores),
            memoryBytesAvg: Math.round(m.sum / m.n),
            memoryBytesMax: m.max,
            samples: m.n,
            windowMs,
          };
        });
      },
    };
  }
}
