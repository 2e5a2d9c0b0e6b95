/**
 * One consistent reading of a local container's cumulative CPU ticks and resident memory: its root
 * process, the live descendants (up to the next watched container), and what the reaped ones used.
 *
 * The counters cannot be read at one instant, and a process tree changes while it is read: a child
 * reaped after its parent's stat was read but before the parent's children were listed (or before
 * its own stat was read) is in neither, and the reading loses everything it ever used. At a window's
 * edge that made a container's CPU negative (the netns loader, whose node process is reaped by its
 * holder shell just as the window ends: issue 24, item 18). So a reading is taken twice over: every
 * process's stat is read again after the tree was walked, and if any parent's reaped-children time
 * moved (a reap happened during the walk), or a listed child was gone or someone else's, the reading
 * is taken again.
 */
import { readdir, readFile } from 'node:fs/promises';
import { RunError } from '../errors.ts';
import type { ProcessContainer } from '../platforms/types.ts';

export interface ProcStat {
  /** utime + stime, and cutime + cstime (what its reaped children used), in clock ticks. */
  ownTicks: number;
  childTicks: number;
  /** Field 4: the parent's pid. */
  ppid: number;
  /** Field 22: start time since boot, in ticks; a pid with another start time is another process. */
  startTicks: number;
}

export async function procStat(procRoot: string, pid: number): Promise<ProcStat> {
  const stat = await readFile(`${procRoot}/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  const s = { ownTicks: Number(fields[11]) + Number(fields[12]), childTicks: Number(fields[13]) + Number(fields[14]), ppid: Number(fields[1]), startTicks: Number(fields[19]) };
  // A read cut short (the process went while it was read) must not pass for a reading.
  if (!Object.values(s).every(Number.isFinite)) throw new Error(`${procRoot}/${pid}/stat is not a process's stat: ${JSON.stringify(stat.slice(0, 80))}`);
  return s;
}

async function rssBytes(procRoot: string, pid: number): Promise<number> {
  const status = await readFile(`${procRoot}/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
}

/**
 * Children of every thread of `pid`: a child is listed under the thread that forked it, and a Go
 * program (pilot-agent, which starts Envoy) forks from whichever thread runs the goroutine.
 */
async function childrenOf(procRoot: string, pid: number): Promise<number[]> {
  const threads = await readdir(`${procRoot}/${pid}/task`).catch(() => [String(pid)]);
  const lists = await Promise.all(threads.map((t) => readFile(`${procRoot}/${pid}/task/${t}/children`, 'utf8').catch(() => '')));
  return lists.flatMap((l) => l.split(' ').filter(Boolean).map(Number));
}

export function gone(c: ProcessContainer, cause?: unknown): RunError {
  return new RunError({
    what: `${c.pod}/${c.container} (pid ${c.pid}) is gone: it exited during the measured window`,
    where: 'procfs collector',
    fix: 'look for a crash of that process; a trial whose process died has no resource figures',
    cause,
  });
}

export interface TreeWatch {
  container: ProcessContainer;
  /** Roots of the other watched containers, where this one's process tree stops. */
  others: ReadonlySet<number>;
  /** The root's start time at the window's start: a reused pid must not pass for it. */
  rootStartTicks: number;
}

export interface Reading {
  /**
   * performance.now() before the first and after the last of the counters summed was read (the
   * check of the tree and the memory are read after): the counters are from between.
   */
  startMs: number;
  endMs: number;
  cpuTicks: number;
  rssBytes: number;
  /** Processes summed: each may read up to 2 ticks low (utime and stime are each rounded down). */
  processes: number;
}

/** Tries before a tree that keeps changing under the read fails the window. */
const READ_ATTEMPTS = 5;

export async function readTree(procRoot: string, w: TreeWatch): Promise<Reading> {
  for (let attempt = 1; attempt <= READ_ATTEMPTS; attempt++) {
    const startMs = performance.now();
    const tree = await walk(procRoot, w);
    if (tree) return { startMs, ...tree };
  }
  const c = w.container;
  throw new RunError({
    what: `${c.pod}/${c.container} (pid ${c.pid}) reaped processes during each of ${READ_ATTEMPTS} reads of its process tree: no consistent reading of its CPU could be taken`,
    where: 'procfs collector',
    fix: 'a container that starts and ends processes this often cannot be read from procfs; run it under a cgroup-based platform (Kubernetes)',
  });
}

/** One pass over the tree; null when it changed during the pass. */
async function walk(procRoot: string, w: TreeWatch): Promise<Omit<Reading, 'startMs'> | null> {
  const c = w.container;
  const root = await procStat(procRoot, c.pid).catch((cause: unknown) => {
    throw gone(c, cause);
  });
  if (root.startTicks !== w.rootStartTicks) throw gone(c);
  const tree: { pid: number; stat: ProcStat }[] = [{ pid: c.pid, stat: root }];
  for (let i = 0; i < tree.length; i++) {
    const parent = tree[i]!.pid;
    const kids = (await childrenOf(procRoot, parent)).filter((p) => !w.others.has(p));
    const stats = await Promise.all(kids.map((p) => procStat(procRoot, p).catch(() => null)));
    for (const [k, stat] of stats.entries()) {
      // Reaped since it was listed, or its pid is already another process's.
      if (!stat || stat.ppid !== parent) return null;
      tree.push({ pid: kids[k]!, stat });
    }
  }
  const endMs = performance.now();
  const [again, rss] = await Promise.all([
    Promise.all(tree.map((n) => procStat(procRoot, n.pid).catch(() => null))),
    Promise.all(tree.map((n) => rssBytes(procRoot, n.pid).catch(() => 0))),
  ]);
  // A reap during the walk moves a child's ticks into its parent's childTicks after that was read.
  if (again.some((s, i) => !s || s.childTicks !== tree[i]!.stat.childTicks || s.startTicks !== tree[i]!.stat.startTicks)) return null;
  // The root's reaped children count too: a watched container among them (the loopback loader is
  // meshbench, the sidecars its children) is reaped only after the window, or fails its own read.
  const cpuTicks = tree.reduce((sum, n) => sum + n.stat.ownTicks + n.stat.childTicks, 0);
  return { endMs, cpuTicks, rssBytes: rss.reduce((a, b) => a + b, 0), processes: tree.length };
}
