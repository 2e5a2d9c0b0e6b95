/**
 * The local platform's collector: Linux procfs. CPU from the cumulative utime + stime of each
 * container's own processes (threads included; live descendants up to the next watched container;
 * what its reaped children used), differenced over exactly the measured window; never averaged
 * percentages. Memory from VmRSS of the same processes, sampled at an interval, as average and
 * maximum. A root pid whose start time changed is another process: the container is gone.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { RunError } from '../errors.ts';
import type { ProcessContainer, WatchedContainer } from '../platforms/types.ts';
import { startSampling } from './sampling.ts';
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

interface ProcStat {
  /** utime + stime, and cutime + cstime (what its reaped children used), in clock ticks. */
  ownTicks: number;
  childTicks: number;
  /** Field 22: start time since boot, in ticks; a pid with another start time is another process. */
  startTicks: number;
}

async function procStat(procRoot: string, pid: number): Promise<ProcStat> {
  const stat = await readFile(`${procRoot}/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  return { ownTicks: Number(fields[11]) + Number(fields[12]), childTicks: Number(fields[13]) + Number(fields[14]), startTicks: Number(fields[19]) };
}

async function rssBytes(procRoot: string, pid: number): Promise<number> {
  const status = await readFile(`${procRoot}/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
}

async function childrenOf(procRoot: string, pid: number): Promise<number[]> {
  const tasks = await readFile(`${procRoot}/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return tasks.split(' ').filter(Boolean).map(Number);
}

/**
 * A container's own processes: its root and the live descendants, stopping at the root of any
 * other watched container. The local loader is meshbench itself, whose children are the workload
 * and the sidecars: without that stop, loadgen would be charged for the whole deployment.
 */
async function ownProcesses(procRoot: string, root: number, others: ReadonlySet<number>): Promise<number[]> {
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(await childrenOf(procRoot, tree[i]!)).filter((p) => !others.has(p)));
  return tree;
}

function gone(c: ProcessContainer, cause?: unknown): RunError {
  return new RunError({
    what: `${c.pod}/${c.container} (pid ${c.pid}) is gone: it exited during the measured window`,
    where: 'procfs collector',
    fix: 'look for a crash of that process; a trial whose process died has no resource figures',
    cause,
  });
}

interface Watch {
  container: ProcessContainer;
  /** Roots of the other watched containers, where this one's process tree stops. */
  others: ReadonlySet<number>;
  /** The root's start time at the window's start: a reused pid must not pass for it. */
  rootStartTicks: number;
  /**
   * Whether the root's reaped children count. Not when other watched containers are its
   * children: a sidecar reaped in the window would otherwise land in the loader's figures.
   */
  countReaped: boolean;
}

async function read(procRoot: string, w: Watch): Promise<Reading> {
  const atMs = performance.now();
  const c = w.container;
  let root: ProcStat;
  try {
    root = await procStat(procRoot, c.pid);
  } catch (cause) {
    throw gone(c, cause);
  }
  if (root.startTicks !== w.rootStartTicks) throw gone(c);
  const pids = await ownProcesses(procRoot, c.pid, w.others);
  const [stats, rss] = await Promise.all([
    Promise.all(pids.slice(1).map((p) => procStat(procRoot, p).catch(() => null))),
    Promise.all(pids.map((p) => rssBytes(procRoot, p).catch(() => 0))),
  ]);
  // A descendant that just exited only loses its last ticks (its parent reaps them into cutime).
  const descendants = stats.reduce((sum, st) => sum + (st ? st.ownTicks + st.childTicks : 0), 0);
  const cpuTicks = root.ownTicks + (w.countReaped ? root.childTicks : 0) + descendants;
  return { atMs, cpuTicks, rssBytes: rss.reduce((a, b) => a + b, 0) };
}

async function watchOf(procRoot: string, c: ProcessContainer, all: readonly ProcessContainer[]): Promise<Watch> {
  const others = new Set(all.filter((o) => o.pid !== c.pid).map((o) => o.pid));
  const root = await procStat(procRoot, c.pid).catch((cause: unknown) => {
    throw gone(c, cause);
  });
  const children = await childrenOf(procRoot, c.pid);
  return { container: c, others, rootStartTicks: root.startTicks, countReaped: !children.some((p) => others.has(p)) };
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
    const processes = containers.filter((c): c is ProcessContainer => c.kind === 'process');
    const hz = await clockTicks();
    const watched = await Promise.all(processes.map((c) => watchOf(this.procRoot, c, processes)));
    const first = await Promise.all(watched.map((w) => read(this.procRoot, w)));
    const last = [...first];
    const maxCores = watched.map(() => 0);
    const rss = watched.map((_, i) => ({ sum: first[i]!.rssBytes, max: first[i]!.rssBytes, n: 1 }));

    const take = async () => {
      const now = await Promise.all(watched.map((w) => read(this.procRoot, w)));
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
    const sampling = startSampling(take, this.intervalMs);

    return {
      cancel: () => sampling.cancel(),
      end: async (): Promise<ResourceUsage[]> => {
        await sampling.finish();
        return watched.map(({ container: c }, i) => {
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
