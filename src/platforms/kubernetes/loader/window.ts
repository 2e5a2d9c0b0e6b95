/**
 * The measured window of an in-cluster run on this machine's clock, for the collectors: the
 * engine's phases happen in the pods, so run/ calls `measure` and `drain` here at the window's
 * wall-clock edges (the common start + warmup, + duration), exactly as a local engine's onPhase
 * would. The kubelet collector then reads its counters at those edges.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export type WindowPhase = 'measure' | 'drain';

/** Waits `ms`; an abort rejects with the signal's own reason (timers/promises would give a bare AbortError). */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : {});
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    throw e;
  }
}

/** Resolves after `drain`; rejects with the signal's reason when aborted. */
export async function followWindow(window: { startEpochMs: number; endEpochMs: number }, onPhase: (phase: WindowPhase) => void, signal?: AbortSignal): Promise<void> {
  const until = (epochMs: number) => pause(Math.max(0, epochMs - Date.now()), signal);
  await until(window.startEpochMs);
  onPhase('measure');
  await until(window.endEpochMs);
  onPhase('drain');
}
