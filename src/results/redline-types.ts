/** The redline summary result.json holds per mesh; computed by redline.ts (kept apart so model.ts imports no code). */
import type { SearchEnd } from '../scenario/redline-plan.ts';
import type { Interval } from './compare/intervals.ts';

/** Result.json's summary of one mesh's redline (optional field `redline` of RunResult). */
export interface MeshRedline {
  mesh: string;
  /** Median of the searches' redlines with its sign-test interval; null when no search found one. */
  redlineRps: Interval | null;
  /** Each search's redline, in repetition order (null: the search found none). */
  searchRedlinesRps: (number | null)[];
  /** True when a search held at `max`: the redline is at least its figure, not at it. */
  atLeast: boolean;
  /** The search stopped at the load generator's limit: this rate; no mesh figure then. */
  loaderLimitedAtRps: number | null;
  /** Why the searches stopped, in words (names the loader's limit and how to raise it). */
  stopped: string;
  ends: (SearchEnd | 'unfinished')[];
  /** 1 − mesh / none: the capacity lost to the mesh, with its Hodges-Lehmann interval; null for none. */
  capacityLost: Interval | null;
  /** Sidecar and node-proxy cores per 1000 rps at the redline (valid held steps at it; median). */
  sidecarCoresPerKrps: number | null;
  nodeProxyCoresPerKrps: number | null;
}
