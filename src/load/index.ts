import type { LoadMode, ResolvedScenario } from '../scenario/resolve.ts';
import { AutocannonEngine } from './autocannon.ts';
import { BandwidthEngine } from './bandwidth.ts';
import { ClosedLoopEngine } from './closed-loop.ts';
import { OpenLoopEngine } from './open-loop-engine.ts';
import type { LoadEngine } from './types.ts';

export type { LoadEngine, LoadOutcome, LoadSpec } from './types.ts';
export { choosePacing, SLEEP_SPIN_US, SLEEP_UP_TO_RPS, WINDOW_MAX_US, WINDOW_MIN_US, type Pacing, type PacingKind } from './pacer.ts';

export { LOAD_ENGINES } from '../scenario/schema.ts';
export type LoadEngineName = ResolvedScenario['load']['engine'];

export interface EngineChoice {
  mode: LoadMode;
  /** Default `meshbench`. */
  engine?: LoadEngineName;
  /** Open loop: worker threads that split the rate. */
  workers?: number;
  /** Open loop: uniform jitter as a fraction of the interval. */
  jitter?: number;
  /** Open loop: scheduler lag P99 above which the loader counts as saturated. */
  lagLimitUs?: number;
  /** h2c and grpc: requests in flight at once per connection. */
  streamsPerConnection?: number;
  /** tcp: the size of each request and of its echo. */
  messageBytes?: number;
}

/**
 * The engine for a scenario's load settings. `mode: max` defaults to meshbench's closed loop
 * (µs latency, the open loop's connections and outcome classes); autocannon stays selectable.
 * Throws a RangeError for a pair that does not exist (autocannon has no fixed-rate mode).
 */
export function engineFor(c: EngineChoice): LoadEngine {
  const engine = c.engine ?? 'meshbench';
  if (c.mode === 'max') return engine === 'autocannon' ? new AutocannonEngine() : new ClosedLoopEngine({ streamsPerConnection: c.streamsPerConnection, messageBytes: c.messageBytes });
  if (c.mode === 'rate') {
    if (engine === 'autocannon') throw new RangeError('autocannon has no fixed-rate mode: use `engine: meshbench` with `mode: rate`');
    return new OpenLoopEngine({ workers: c.workers, jitter: c.jitter, lagLimitUs: c.lagLimitUs, streamsPerConnection: c.streamsPerConnection, messageBytes: c.messageBytes });
  }
  if (c.mode === 'bandwidth') {
    if (engine === 'autocannon') throw new RangeError('autocannon has no bandwidth mode: use `engine: meshbench`');
    return new BandwidthEngine();
  }
  throw new RangeError(`no load engine for mode ${String(c.mode)}`);
}

/** The engine a scenario asks for (its workload's payload is a tcp request's size). */
export function engineForScenario(load: ResolvedScenario['load'], workload?: ResolvedScenario['workload']): LoadEngine {
  return engineFor({ mode: load.mode, engine: load.engine, workers: load.workers, jitter: load.jitter, lagLimitUs: load.schedulerLagLimitUs, streamsPerConnection: load.streamsPerConnection, messageBytes: workload?.payloadBytes });
}
