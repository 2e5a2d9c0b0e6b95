import type { LoadMode } from '../scenario/resolve.ts';
import { ClosedLoopEngine } from './closed-loop.ts';
import type { LoadEngine } from './types.ts';

export type { LoadEngine, LoadOutcome, LoadSpec } from './types.ts';

/** Engines by load mode; a mode without an engine is refused before anything starts. */
export const engines: Partial<Record<LoadMode, () => LoadEngine>> = {
  max: () => new ClosedLoopEngine(),
};
