/**
 * A trial's load while its measured window runs, for a person watching: the engine's own counters
 * read a few times a second, never one message per request. Locally the loader process says them
 * on stderr (the channel its phases already take) and run/ reads them back with `decodeLiveLine`;
 * a cluster's loader log is read only at the end, so there they are not sent at all.
 */
import type { LiveCounts, LiveLoad, LoadPhase } from './types.ts';

export type { LiveCounts, LiveLoad } from './types.ts';

/** Often enough that a status line redrawn twice a second moves; rare enough to cost nothing. */
export const LIVE_EVERY_MS = 250;

/** 2xx responses per second of the window so far; null this early in it, when one response swings the figure. */
export function liveRps(live: LiveLoad): number | null {
  return live.elapsedMs < LIVE_EVERY_MS ? null : (live.responses2xx * 1_000) / live.elapsedMs;
}

/**
 * Reads `counts` every LIVE_EVERY_MS from the 'measure' phase to the 'drain' phase and tells
 * `onLive`; an engine passes every phase it says through `phase`, and calls `stop` when it ends
 * however it ends. Without `onLive` it does nothing, so an engine need not ask.
 */
export class LiveTicks {
  private readonly counts: () => LiveCounts;
  private readonly onLive: ((live: LiveLoad) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(counts: () => LiveCounts, onLive: ((live: LiveLoad) => void) | undefined) {
    this.counts = counts;
    this.onLive = onLive;
  }

  phase(phase: LoadPhase): void {
    if (!this.onLive) return;
    if (phase === 'measure' && !this.timer) {
      const startMs = performance.now();
      const onLive = this.onLive;
      this.timer = setInterval(() => onLive({ ...this.counts(), elapsedMs: Math.round(performance.now() - startMs) }), LIVE_EVERY_MS);
      this.timer.unref();
    } else if (phase === 'drain') this.stop();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** "meshbench load pod 0/1: live 1234 2xx, 5 failed, 2500 ms into the window" (cluster-run.ts's progress lines). */
export function encodeLiveLine(share: { index: number; count: number }, live: LiveLoad): string {
  return `meshbench load pod ${share.index}/${share.count}: live ${live.responses2xx} 2xx, ${live.failed} failed, ${live.elapsedMs} ms into the window`;
}

const LIVE_LINE = /^meshbench load pod \d+\/\d+: live (\d+) 2xx, (\d+) failed, (\d+) ms into the window$/;

/** The live counts a loader's stderr line says; undefined for its other lines. */
export function decodeLiveLine(line: string): LiveLoad | undefined {
  const m = LIVE_LINE.exec(line);
  return m ? { responses2xx: Number(m[1]), failed: Number(m[2]), elapsedMs: Number(m[3]) } : undefined;
}
