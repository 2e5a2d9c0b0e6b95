/**
 * A copy of a few /proc entries in a temp folder, for the procfs collector's `procRoot`: the
 * moments where a real process tree changes under a read (a reap between two files) cannot be
 * timed on real processes, so the test writes them. A file can be made a FIFO, whose read waits
 * until the test lets it finish: the test then knows exactly where the collector's read stands.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, linkSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeProcess {
  ppid: number;
  /** utime + stime are written as given; cutime (what reaped children used) apart. */
  utime: number;
  stime?: number;
  cutime?: number;
  startTicks?: number;
  children?: number[];
  rssKiB?: number;
}

export class FakeProc {
  readonly root = mkdtempSync(join(tmpdir(), 'meshbench-proc-'));
  private fifos = 0;
  private readonly pending = new Set<string>();

  /** Writes the process's stat, status and children list. */
  set(pid: number, p: FakeProcess): void {
    const dir = join(this.root, String(pid));
    mkdirSync(join(dir, 'task', String(pid)), { recursive: true });
    this.stat(pid, p);
    this.replace(join(dir, 'status'), `Name:\tfake\nVmRSS:\t ${p.rssKiB ?? 1024} kB\n`);
    this.replace(join(dir, 'task', String(pid), 'children'), (p.children ?? []).map((c) => `${c} `).join(''));
  }

  /** Writes only the process's stat (its CPU ticks), leaving its other files (and gates) as they are. */
  stat(pid: number, p: FakeProcess): void {
    this.replace(join(this.root, String(pid), 'stat'), statLine(pid, p));
  }

  /**
   * Serves every read of `pid`'s stat with `now()`'s figures, taken when the read is made, as the
   * kernel's are: a file written ahead of the reads could be stale when a loaded machine delays
   * the writer. Returns what stops it.
   */
  serveStat(pid: number, now: () => FakeProcess): () => Promise<void> {
    let serving = true;
    const loop = (async () => {
      while (serving) {
        const gate = this.gate(pid, 'stat');
        await gate.reached;
        const line = statLine(pid, now());
        await gate.release(line).catch(() => {});
      }
    })();
    return async () => {
      serving = false;
      this.unblock();
      await loop;
    };
  }

  remove(pid: number): void {
    rmSync(join(this.root, String(pid)), { recursive: true, force: true });
  }

  /**
   * Makes `file` of `pid` (e.g. `task/PID/children`) a FIFO. `reached` resolves once a reader has
   * opened it (and waits there); `release` then gives that reader `content`, and the path holds a
   * plain file again from then on (`after`, default `content`).
   */
  gate(pid: number, file: string): { reached: Promise<void>; release(content: string, after?: string): Promise<void> } {
    const path = join(this.root, String(pid), file);
    const fifo = join(this.root, `fifo-${this.fifos++}`);
    execFileSync('mkfifo', [fifo]);
    const inPlace = `${fifo}.link`;
    linkSync(fifo, inPlace);
    renameSync(inPlace, path);
    // Opening a FIFO to write waits for a reader: that is the moment the collector reached it.
    const writer = open(fifo, 'w');
    this.pending.add(fifo);
    return {
      reached: writer.then(() => {}),
      release: async (content: string, after = content) => {
        const fh = await writer;
        this.replace(path, after);
        await fh.write(content);
        await fh.close();
        this.pending.delete(fifo);
      },
    };
  }

  cleanup(): void {
    this.unblock();
    rmSync(this.root, { recursive: true, force: true });
  }

  /** A gate never reached (a failed test, a stopped server) holds a thread in open(): a reader lets it go. */
  private unblock(): void {
    for (const fifo of this.pending) closeSync(openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK));
    this.pending.clear();
  }

  /** Written whole and renamed in place: a read never sees half a file. */
  private replace(path: string, content: string): void {
    writeFileSync(`${path}.tmp`, content);
    renameSync(`${path}.tmp`, path);
  }
}

function statLine(pid: number, p: FakeProcess): string {
  const f = [`${pid} (fake proc) S ${p.ppid} 1 1 0 -1 0 0 0 0 0`, p.utime, p.stime ?? 0, p.cutime ?? 0, 0, 20, 0, 1, 0, p.startTicks ?? 1000, 0, 0];
  return `${f.join(' ')}\n`;
}
