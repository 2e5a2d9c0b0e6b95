/**
 * The local platform's collector: Linux procfs. CPU from the cumulative utime + stime of each
 * container's own processes (threads included; live descendants up to the next watched container;
 * what its reaped children used), differenced over exactly the measured window; never averaged
 * percentages. Memory from VmRSS of the same processes, sampled at an interval, as average and
 * maximum. A root pid whose start time changed is another process: the container is gone.
 * Each reading is consistent (proc-tree.ts); an interval whose CPU is negative or above the
 * machine's cores (with the ticks' and the reads' own resolution) fails the window.
 */
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { promisify } from 'node:util';
import { RunError } from '../errors.ts';
import type { ProcessContainer, WatchedContainer } from '../platforms/types.ts';
import { assertPlausible } from './plausible.ts';
import { gone, procStat, readTree, type Reading, type TreeWatch } from './proc-tree.ts';
import { startSampling } from './sampling.ts';
import type { Collector, CollectorWindow, ResourceUsage } from './types.ts';

export interface ProcfsCollectorOptions {
  /** Memory (and per-interval CPU) sampling period; default 1000 ms. */
  intervalMs?: number;
  procRoot?: string;
  /** The machine's cores, the most CPU a container can use; default os.cpus().length. */
  cores?: number;
}

/**
 * cpuCoresMax is taken over intervals at least this share of the sampling interval long (the
 * timer fires a little early or late), never over the short tail the window's end leaves: one
 * 10 ms tick in a 19 ms tail would read as 0.54 cores.
 */
const MIN_MAX_INTERVAL_SHARE = 0.9;

let clockTicksPerSecond: Promise<number> | undefined;

/** USER_HZ, the unit of utime/stime in /proc/<pid>/stat (100 on nearly every Linux). */
function clockTicks(): Promise<number> {
  clockTicksPerSecond ??= promisify(execFile)('getconf', ['CLK_TCK']).then(
    ({ stdout }) => Number(stdout.trim()) || 100,
    () => 100,
  );
  return clockTicksPerSecond;
}

async function watchOf(procRoot: string, c: ProcessContainer, all: readonly ProcessContainer[]): Promise<TreeWatch> {
  const others = new Set(all.filter((o) => o.pid !== c.pid).map((o) => o.pid));
  const root = await procStat(procRoot, c.pid).catch((cause: unknown) => {
    throw gone(c, cause);
  });
  return { container: c, others, rootStartTicks: root.startTicks };
}

const midMs = (r: Reading) => (r.startMs + r.endMs) / 2;

/** One container's readings through the window. */
class Track {
  readonly first: Reading;
  last: Reading;
  /** Where the interval for the maximum now being measured began, and where the one before began. */
  private mark: Reading;
  private markBefore: Reading | null = null;
  private maxCores = 0;
  private maxToleranceCores = 0;
  private readonly rss: { sum: number; max: number; n: number };
  private readonly w: TreeWatch;
  private readonly hz: number;
  private readonly cores: number;
  private readonly minIntervalMs: number;

  constructor(w: TreeWatch, first: Reading, o: { hz: number; cores: number; intervalMs: number }) {
    this.w = w;
    this.first = this.last = this.mark = first;
    this.rss = { sum: first.rssBytes, max: first.rssBytes, n: 1 };
    this.hz = o.hz;
    this.cores = o.cores;
    this.minIntervalMs = o.intervalMs * MIN_MAX_INTERVAL_SHARE;
  }

  add(r: Reading): void {
    this.check(this.last, r);
    this.last = r;
    this.rss.sum += r.rssBytes;
    this.rss.max = Math.max(this.rss.max, r.rssBytes);
    this.rss.n++;
    if (midMs(r) - midMs(this.mark) >= this.minIntervalMs) {
      this.noteMax(this.mark, r);
      this.markBefore = this.mark;
      this.mark = r;
    }
  }

  usage(): ResourceUsage {
    const c = this.w.container;
    const windowMs = midMs(this.last) - midMs(this.first);
    const cpuCores = windowMs > 0 ? this.coresBetween(this.first, this.last) : 0;
    // A short tail joins the interval before it.
    if (this.last !== this.mark && this.markBefore) this.noteMax(this.markBefore, this.last);
    const usage: ResourceUsage = {
      pod: c.pod,
      container: c.container,
      role: c.role,
      cpuCores,
      cpuCoresMax: Math.max(this.maxCores, cpuCores),
      memoryBytesAvg: Math.round(this.rss.sum / this.rss.n),
      memoryBytesMax: this.rss.max,
      samples: this.rss.n,
      windowMs,
    };
    // Each interval was checked against its exact bound; this adds the signs and the memory, with
    // the resolution of the interval each figure came from.
    const toleranceCores = Math.max(this.toleranceCores(this.first, this.last), this.maxToleranceCores);
    assertPlausible(usage, { cores: this.cores, toleranceCores, where: 'procfs collector' });
    return usage;
  }

  private noteMax(a: Reading, b: Reading): void {
    const cores = this.coresBetween(a, b);
    if (cores <= this.maxCores) return;
    this.maxCores = cores;
    this.maxToleranceCores = this.toleranceCores(a, b);
  }

  private coresBetween(a: Reading, b: Reading): number {
    return (b.cpuTicks - a.cpuTicks) / this.hz / ((midMs(b) - midMs(a)) / 1_000);
  }

  /**
   * What the figure between `a` and `b` may read above the machine's cores: the counters were read
   * somewhere inside each read (the interval they span can be longer than the one between the
   * reads' middles), and each process's ticks are rounded down.
   */
  private toleranceCores(a: Reading, b: Reading): number {
    const midSpanS = (midMs(b) - midMs(a)) / 1_000;
    if (midSpanS <= 0) return Infinity;
    const outerSpanS = (b.endMs - a.startMs) / 1_000;
    const roundingTicks = 2 * (a.processes + b.processes);
    return (this.cores * outerSpanS + roundingTicks / this.hz) / midSpanS - this.cores;
  }

  /** Ticks only grow, and no machine gives more than its cores: else the reading was wrong. */
  private check(a: Reading, b: Reading): void {
    const c = this.w.container;
    const ticks = b.cpuTicks - a.cpuTicks;
    const where = 'procfs collector';
    const fix = 'a process of this container left its tree without being reaped by it (re-parented), or procfs was misread: the trial\'s resources cannot be trusted; run it again, and report it if it comes back';
    if (ticks < 0) {
      throw new RunError({ what: `${c.pod}/${c.container} (pid ${c.pid}): its CPU time went down by ${-ticks} ticks between two readings ${Math.round(midMs(b) - midMs(a))} ms apart, which would give a negative CPU figure`, where, fix });
    }
    const limitTicks = (this.cores * (b.endMs - a.startMs)) / 1_000 * this.hz + 2 * (a.processes + b.processes);
    if (ticks > limitTicks) {
      throw new RunError({ what: `${c.pod}/${c.container} (pid ${c.pid}): ${ticks} ticks of CPU in ${Math.round(b.endMs - a.startMs)} ms, more than the machine's ${this.cores} cores can give (${Math.floor(limitTicks)})`, where, fix });
    }
  }
}

export class ProcfsCollector implements Collector {
  readonly name = 'procfs';
  private readonly intervalMs: number;
  private readonly procRoot: string;
  private readonly cores: number;

  constructor(o: ProcfsCollectorOptions = {}) {
    this.intervalMs = o.intervalMs ?? 1_000;
    this.procRoot = o.procRoot ?? '/proc';
    this.cores = o.cores ?? cpus().length;
  }

  async begin(containers: readonly WatchedContainer[]): Promise<CollectorWindow> {
    const processes = containers.filter((c): c is ProcessContainer => c.kind === 'process');
    const hz = await clockTicks();
    const watched = await Promise.all(processes.map((c) => watchOf(this.procRoot, c, processes)));
    const first = await Promise.all(watched.map((w) => readTree(this.procRoot, w)));
    const tracks = watched.map((w, i) => new Track(w, first[i]!, { hz, cores: this.cores, intervalMs: this.intervalMs }));
    const take = async () => {
      const now = await Promise.all(watched.map((w) => readTree(this.procRoot, w)));
      now.forEach((r, i) => tracks[i]!.add(r));
    };
    const sampling = startSampling(take, this.intervalMs);
    return {
      cancel: () => sampling.cancel(),
      end: async (): Promise<ResourceUsage[]> => {
        await sampling.finish();
        return tracks.map((t) => t.usage());
      },
    };
  }
}
