/**
 * The loopback layout's load generator: meshbench's engine in a process of its own, the same
 * one-file bundle that a cluster's loader Job runs and the netns layout's loader pod runs
 * (pod-loader.ts, here without a namespace). So what a result charges to `loadgen` is the engine
 * alone on every platform, and the CLI's own weight (its orchestrator, TypeScript type stripping,
 * reports) is in no pod. The bundle is written into the run's working folder once.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoaderSettings } from '../../loader-settings.ts';
import type { WatchedContainer } from '../types.ts';
import { podLoad, type PodLoader } from './netns/pod-loader.ts';

/** Writes the bundled engine into `workDir`; returns its path. */
export async function writeLoaderEntry(workDir: string, source: string): Promise<string> {
  const path = join(workDir, 'meshbench-loader.mjs');
  await writeFile(path, source, { mode: 0o600 });
  return path;
}

export interface LoopbackLoaderOptions {
  /** The scenario's load, less what each trial sets. */
  load: Omit<LoaderSettings, 'target' | 'rateRps' | 'connections'>;
  target: URL;
  connections: number;
  targetRps: number | null;
  /** The bundled engine (writeLoaderEntry); undefined runs the entry's TypeScript source, which more than one worker needs. */
  entry: string | undefined;
  settingsFile: string;
  runId: string;
  /** The deployment's watched containers; the loader joins them as pod `loadgen`, role `loadgen`. */
  containers: readonly WatchedContainer[];
}

export function loopbackLoader(o: LoopbackLoaderOptions): PodLoader {
  const settings: LoaderSettings = { ...o.load, target: o.target.href, connections: o.connections, ...(o.targetRps === null ? {} : { rateRps: o.targetRps }) };
  // The bundle has no worker file beside it: more than one worker runs from the sources.
  const entry = (o.load.workers ?? 1) > 1 ? undefined : o.entry;
  return podLoad({ settings, settingsFile: o.settingsFile, runId: o.runId, containers: o.containers, ...(entry && { entry }) });
}
