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
import { startProcess } from '../processes.ts';
import { inNetns } from './exec.ts';

const LOAD_ENTRY = fileURLToPath(new URL('../../../load/cluster-entry.ts', import.meta.url));

/** The engine's settings, as cluster-run.ts reads them. */
export interface PodLoadSettings {
  mode: 'rate' | 'max';
  target: string;
  rateRps?: number;
  connections: number;
  warmupMs: number;
  durationMs: number;
  timeoutMs: number;
  jitter?: number;
  lagLimitUs?: number;
}

export interface PodLoaderOptions {
  /** The loader pod's namespace. */
  netns: string;
  settings: PodLoadSettings;
  settingsFile: string;
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

export function podLoad(o: PodLoaderOptions): RemoteLoad {
  return async (ctx) => {
    await writeFile(o.settingsFile, JSON.stringify(o.settings));
    await o.before?.();
    ctx.signal.throwIfAborted();
    let onPhase: ((p: LoadWindowPhase) => void) | undefined;
    const argv = inNetns(o.netns, 'env', [`MESHBENCH_LOAD_SETTINGS=${o.settingsFile}`, process.execPath, LOAD_ENTRY]);
    const loader = startProcess({
      name: 'loadgen',
      ...argv,
      onStderrLine: (line) => {
        const phase = PHASE_LINE.exec(line)?.[1] as LoadWindowPhase | undefined;
        if (phase) onPhase?.(phase);
      },
    });
    onPhase = ctx.watch([...o.containers, { kind: 'process', pod: 'loadgen', container: 'loadgen', role: 'loadgen', pid: loader.pid }]);
    try {
      const { warmupMs, durationMs, timeoutMs } = o.settings;
      const line = await loader
        .waitForLine((l) => (l.startsWith('{') ? l : undefined), warmupMs + durationMs + timeoutMs + LOADER_SLACK_MS, ctx.signal)
        .catch((cause: unknown) => {
          if (ctx.signal.aborted) throw cause;
          throw new RunError({ what: `the loader in pod loadgen gave no result: ${(cause as Error).message}`, where: `local platform (namespace ${o.netns})`, fix: `its last output: ${loader.stderrTail().split('\n').slice(-3).join(' | ') || '(none)'}`, cause });
        });
      // Its connections are closed once it has exited: a mesh's per-connection counters are final.
      await Promise.race([loader.exited, new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }))]);
      await o.after?.();
      const outcome = ctx.decode(line);
      return { merged: ctx.merge([outcome]), perLoader: [outcome] };
    } finally {
      await loader.stop();
    }
  };
}
