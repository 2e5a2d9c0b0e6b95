/**
 * The load generator of the netns layout. The in-process engine cannot enter a network namespace,
 * so meshbench's own engine entry (src/load/cluster-entry.ts, the one a cluster's loader pod runs)
 * is started inside the loader pod with `ip netns exec`. It reads its settings from a JSON file
 * (cluster-run.ts's format), says its phases on stderr (the collectors' window follows them) and
 * ends its stdout with the result line, which this platform hands to run/ undecoded (DESIGN.md: a
 * platform never parses load results). The entry is a file path, not an import: layer order holds.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { RunError } from '../../../errors.ts';
import type { LoadWindowPhase, RemoteLoad, WatchedContainer } from '../../types.ts';
import { startProcess, type ManagedProcess } from '../processes.ts';
import { inNetns } from './exec.ts';
import type { LoaderSettings } from '../../../loader-settings.ts';

const LOAD_ENTRY = fileURLToPath(new URL('../../../load/cluster-entry.ts', import.meta.url));

export interface PodLoaderOptions {
  /** The loader pod's namespace; none: the loader runs on this machine's loopback (process-loader.ts). */
  netns?: string;
  /** The engine file to run: the one-file bundle when the run made one (lean: no TypeScript loaded), else the entry's source. */
  entry?: string;
  settings: LoaderSettings;
  settingsFile: string;
  /** Marks the loader's command line (the entry ignores it), so a run's processes can be found. */
  runId: string;
  /** The deployment's watched containers; the loader is added as pod `loadgen`, role `loadgen`. */
  containers: readonly WatchedContainer[];
  /** Runs before the loader starts (a mesh's counters read). */
  before?: () => Promise<void>;
  /** Runs once the loader has exited, its connections closed; a throw fails the trial. */
  after?: () => Promise<void>;
}

/** "meshbench load pod 0/1: measure at 2026-..." (cluster-run.ts's progress line). */
const PHASE_LINE = /^meshbench load pod \d+\/\d+: (warmup|measure|drain) at /;
/** Beyond warmup, window and the last request's timeout: starting Node, connecting, writing the line. */
const LOADER_SLACK_MS = 60_000;

/**
 * The loader runs under a small shell that outlives it: the collectors read the loader's CPU at
 * the window's end, and a loader that had already exited would be "gone". The shell is the watched
 * pid; the loader is its child (counted while it lives, then in the shell's reaped-children time),
 * dies with it (parent-death signal), and the shell says on stderr when it ended, then waits on
 * stdin until teardown stops it.
 */
const HOLDER = 'setpriv --pdeathsig SIGKILL -- "$@"; echo "meshbench-loader-exit $?" >&2; read _';
const EXIT_LINE = /^meshbench-loader-exit (\d+)$/;
/** stdout and stderr are separate pipes: the result line may be read just after the exit line. */
const RESULT_AFTER_EXIT_MS = 2_000;

export interface PodLoader {
  run: RemoteLoad;
  /** Idempotent: ends the loader (and its holder). Teardown calls it, after the window is read. */
  stop(): Promise<void>;
}

export function podLoad(o: PodLoaderOptions): PodLoader {
  let loader: ManagedProcess | undefined;
  const run: RemoteLoad = async (ctx) => {
    // Its stderr is read line by line as it comes (below), so it may say its live counts there.
    await writeFile(o.settingsFile, JSON.stringify({ ...o.settings, liveCounts: true } satisfies LoaderSettings));
    await o.before?.();
    ctx.signal.throwIfAborted();
    let onPhase: ((p: LoadWindowPhase) => void) | undefined;
    let onExit: (code: number) => void = () => {};
    const exited = new Promise<number>((resolve) => (onExit = resolve));
    const args = ['-c', HOLDER, 'meshbench-loader', 'env', `MESHBENCH_LOAD_SETTINGS=${o.settingsFile}`, process.execPath, o.entry ?? LOAD_ENTRY, '--run', o.runId];
    const argv = o.netns ? inNetns(o.netns, 'sh', args) : { command: 'sh', args };
    const p = startProcess({
      name: 'loadgen',
      ...argv,
      onStderrLine: (line) => {
        ctx.loaderLine(line);
        const phase = PHASE_LINE.exec(line)?.[1] as LoadWindowPhase | undefined;
        if (phase) onPhase?.(phase);
        const code = EXIT_LINE.exec(line)?.[1];
        if (code === undefined) return;
        onExit(Number(code));
      },
    });
    loader = p;
    onPhase = ctx.watch([...o.containers, { kind: 'process', pod: 'loadgen', container: 'loadgen', role: 'loadgen', pid: p.pid }]);
    const aborted = new Promise<never>((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }));
    aborted.catch(() => {}); // raced below; this only keeps an abort after the end from being "unhandled"
    try {
      const { warmupMs, durationMs, timeoutMs } = o.settings;
      const result = p.waitForLine((l) => (l.startsWith('{') ? l : undefined), warmupMs + durationMs + timeoutMs + LOADER_SLACK_MS, ctx.signal);
      result.catch(() => {}); // raced below
      const noResult = exited.then(async (code) => {
        const late = await Promise.race([result, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), RESULT_AFTER_EXIT_MS))]);
        if (late !== undefined) return late;
        throw new Error(`it exited with code ${code} without a result line`);
      });
      const line = await Promise.race([result, noResult]).catch((cause: unknown) => {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        throw new RunError({ what: `the loader in pod loadgen gave no result: ${(cause as Error).message}`, where: o.netns ? `local platform (namespace ${o.netns})` : 'local platform (loopback)', fix: `its last output: ${p.stderrTail().split('\n').slice(-3).join(' | ') || '(none)'}`, cause });
      });
      // Once it has exited its connections are closed: a mesh's per-connection counters are final.
      await Promise.race([exited, aborted]);
      await o.after?.();
      const outcome = ctx.decode(line);
      return { merged: ctx.merge([outcome]), perLoader: [outcome] };
    } catch (error) {
      await p.stop();
      throw error;
    }
  };
  return { run, stop: async () => loader?.stop() };
}
