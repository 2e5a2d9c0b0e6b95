/**
 * Intended send times of an open-loop run: evenly spaced at the target rate, optionally with
 * uniform jitter. A worker of several takes every `stride`-th slot starting at `offset`, so W
 * workers together keep one even schedule. Pure: the same options give the same times.
 */
import { seededRandom } from '../random.ts';

export interface ScheduleOptions {
  /** Rate of the whole schedule, over all workers. */
  rateRps: number;
  /** Time of slot 0 on the caller's clock, in ms. */
  startMs: number;
  /** Uniform jitter as a fraction of the interval: 0.2 moves each send by up to ±10 %. */
  jitter?: number;
  /** Seed of the jitter, so runs are reproducible. */
  seed?: number;
  /** This worker's first slot and its step over slots (worker k of W: offset k, stride W). */
  offset?: number;
  stride?: number;
}

export class Schedule {
  readonly intervalMs: number;
  private readonly startMs: number;
  private readonly jitterMs: number;
  private readonly offset: number;
  private readonly stride: number;
  private readonly random: () => number;

  constructor(o: ScheduleOptions) {
    if (!(o.rateRps > 0)) throw new RangeError(`rate must be positive, got ${o.rateRps}`);
    this.intervalMs = 1_000 / o.rateRps;
    this.startMs = o.startMs;
    this.jitterMs = (o.jitter ?? 0) * this.intervalMs;
    this.offset = o.offset ?? 0;
    this.stride = o.stride ?? 1;
    this.random = seededRandom(o.seed ?? 1);
  }

  /** Intended time of this worker's i-th request (0-based); call with i = 0, 1, 2, ... in order. */
  intendedMs(i: number): number {
    const slot = this.offset + i * this.stride;
    const jitter = this.jitterMs ? (this.random() - 0.5) * this.jitterMs : 0;
    return this.startMs + slot * this.intervalMs + jitter;
  }
}
