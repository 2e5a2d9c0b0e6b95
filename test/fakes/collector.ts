/** A collector that records when its window begins and ends, and reports fixed usage. */
import type { Collector, CollectorWindow, ResourceUsage } from '../../src/collectors/types.ts';
import type { WatchedContainer } from '../../src/platforms/types.ts';

export class FakeCollector implements Collector {
  readonly name = 'fake';
  readonly log: string[];

  constructor(log: string[]) {
    this.log = log;
  }

  async begin(containers: readonly WatchedContainer[]): Promise<CollectorWindow> {
    this.log.push('collect begin');
    return {
      cancel: () => this.log.push('collect cancel'),
      end: async (): Promise<ResourceUsage[]> => {
        this.log.push('collect end');
        return containers.map((c) => ({ ...c, cpuCores: 0.25, cpuCoresMax: 0.5, memoryBytesAvg: 1 << 20, memoryBytesMax: 2 << 20, samples: 3, windowMs: 1000 }));
      },
    };
  }
}
