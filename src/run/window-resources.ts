/**
 * Resource collection aligned to the measured window: the collectors start when the engine says
 * `measure` and stop when it says `drain`, so warmup and the drain of late responses are left out.
 * Each collector reads the containers it can see; their figures are put together.
 */
import { assertPlausible } from '../collectors/plausible.ts';
import type { Collector, CollectorWindow, ResourceUsage } from '../collectors/types.ts';
import type { LoadPhase } from '../load/types.ts';
import type { WatchedContainer } from '../platforms/types.ts';

export class WindowResources {
  private readonly collectors: readonly Collector[];
  private readonly containers: readonly WatchedContainer[];
  private windows: Promise<CollectorWindow[]> | undefined;
  private usage: Promise<ResourceUsage[]> | undefined;

  constructor(collectors: readonly Collector[], containers: readonly WatchedContainer[]) {
    this.collectors = collectors;
    this.containers = containers;
  }

  onPhase(phase: LoadPhase): void {
    if (this.collectors.length === 0) return;
    // Errors surface in result(), where the trial can still fail cleanly; until then they are held.
    if (phase === 'measure') {
      this.windows = Promise.all(this.collectors.map((c) => c.begin(this.containers)));
      this.windows.catch(() => {});
    }
    if (phase === 'drain' && this.windows) {
      this.usage = this.end(this.windows);
      this.usage.catch(() => {});
    }
  }

  /** Usage over the window; ends it now if the engine never said `drain`. */
  result(): Promise<ResourceUsage[]> {
    if (!this.windows) return Promise.resolve([]);
    this.usage ??= this.end(this.windows);
    return this.usage;
  }

  cancel(): void {
    void this.windows?.then((ws) => ws.forEach((w) => w.cancel()), () => {});
  }

  private async end(windows: Promise<CollectorWindow[]>): Promise<ResourceUsage[]> {
    const usage = (await Promise.all((await windows).map((w) => w.end()))).flat();
    // Each collector checks its own figures against its machine; this holds for any collector.
    for (const u of usage) assertPlausible(u, { cores: null, where: 'resource collection' });
    return usage;
  }
}
