/** Shared helpers of bench:load: run an engine with its CPU measured, start/stop targets, print rows. */
import { loadavg } from 'node:os';
import type { LoadEngine, LoadOutcome, LoadSpec } from '../../src/load/types.ts';
import type { Target } from './targets.ts';

export const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

export interface Measured {
  outcome: LoadOutcome;
  /** This process's CPU (every thread: the loader and its pacing thread) over the run, in cores. */
  cpuCores: number;
}

export async function measure(engine: LoadEngine, spec: LoadSpec, target: URL): Promise<Measured> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const outcome = await engine.run(spec, target, new AbortController().signal);
  const cpu = process.cpuUsage(cpu0);
  return { outcome, cpuCores: (cpu.user + cpu.system) / 1_000 / (performance.now() - t0) };
}

export async function using<T>(start: Promise<Target>, fn: (t: Target) => Promise<T>): Promise<T> {
  const target = await start;
  try {
    return await fn(target);
  } finally {
    await target.stop();
  }
}

export const us = (n: number) => `${Math.round(n).toLocaleString('en-US')} µs`;
export const pct = (ratio: number) => `${ratio >= 1 ? '+' : '−'}${Math.abs((ratio - 1) * 100).toFixed(1)}%`;
export const cores = (n: number) => `${n.toFixed(3)} cores`;
export const row = (...cells: (string | number)[]) => console.log(cells.map(String).join('  |  '));
export const verdict = (met: boolean) => (met ? 'MET' : 'MISSED');

/** The machine's load, printed at each section so a reader knows what else was running. */
export function heading(title: string): void {
  const [one, five] = loadavg();
  console.log(`\n${title}\n  (${new Date().toISOString().slice(11, 19)} UTC, load average ${one!.toFixed(2)} / ${five!.toFixed(2)} over 1 / 5 min)`);
}

/** Corrected percentiles P50/P90/P99/P99.9 of the 2xx histogram. */
export const PERCENTILES = [50, 90, 99, 99.9] as const;
