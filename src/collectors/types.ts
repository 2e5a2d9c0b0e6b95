/** Resource collectors: cumulative counters read at both edges of the measured window. */
import type { ContainerRole, WatchedContainer } from '../platforms/types.ts';

export interface ResourceUsage {
  pod: string;
  container: string;
  role: ContainerRole;
  /** Average over the measured window: CPU seconds used / window seconds. */
  cpuCores: number;
  /** Highest of the sampled intervals' averages. */
  cpuCoresMax: number;
  /** Resident memory (RSS), sampled at the collector's interval. */
  memoryBytesAvg: number;
  memoryBytesMax: number;
  /** Memory samples taken in the window. */
  samples: number;
  windowMs: number;
}

export interface CollectorWindow {
  /** Reads the counters again and returns usage over the window; stops sampling. */
  end(): Promise<ResourceUsage[]>;
  /** Stops sampling without a result (the trial failed or was aborted). */
  cancel(): void;
}

export interface Collector {
  readonly name: string;
  /** Starts the window now for the given containers. */
  begin(containers: readonly WatchedContainer[]): Promise<CollectorWindow>;
}
