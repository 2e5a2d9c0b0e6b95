import type { LoadMode, ResolvedScenario } from '../scenario/resolve.ts';
import { ClosedLoopEngine } from './closed-loop.ts';
import { OpenLoopEngine } from './open-loop-engine.ts';
import type { LoadEngine } from './types.ts';

export type { LoadEngine, LoadOutcome, LoadSpec } from './types.ts';

/** Engines by load mode; a mode without an engine is refused before anything starts. */
export const engines: Partial<Record<LoadMode, (load: ResolvedScenario['load']) => LoadEngine>> = {
  max: () => new ClosedLoopEngine(),
  rate: (load) => new OpenLoopEngine({ workers: load.workers, jitter: load.jitter, lagLimitUs: load.schedulerLagLimitUs }),
};
