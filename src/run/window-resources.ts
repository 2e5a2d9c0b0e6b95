/**
 * Resource collection aligned to the measured window: the collector starts when the engine says
 * `measure` and stops when it says `drain`, so warmup and the drain of late responses are left out.
 */
import type { Collector, CollectorWindow, ResourceUsage } from '../collectors/types.ts';
import type { LoadPhase } from '../load/types.ts';
import type { WatchedContainer } from '../platforms/types.ts';

export class WindowResources {
  private readonly collector: Collector | null;
  private readonly containers: readonly WatchedContainer[];
  private window: Promise<CollectorWindow> | undefined;
  private usage: Promise<ResourceUsage[]> | undefined;

  constructor(collector: Collector | null, containers: readonly WatchedContainer[]) {
    this.collector = collector;
    this.containers = containers;
  }

  onPhase(phase: LoadPhase): void {
    if (!this.collector) return;
    // Errors surface in result(), where the trial can still fail cleanly; until then they are held.
    if (phase === 'measure') {
      this.window = this.collector.begin(this.containers);
      this.window.catch(() => {});
    }
    if (phase === 'drain' && this.window) {
      this.usage = this.window.then((w) => w.end());
      this.usage.catch(() => {});
    }
  }

  /** Usage over the window; ends it now if the engine never said `drain`. */
  result(): Promise<ResourceUsage[]> {
    if (!this.window) return Promise.resolve([]);
    this.usage ??= this.window.then((w) => w.end());
    return this.usage;
  }

  cancel(): void {
    void this.window?.then((w) => w.cancel(), () => {});
  }
}
