/**
 * The migration decision inside one run: the scenario's cross-mesh gates ("is Istio at least as good
 * as App Mesh, within the margin we accept?") and claimed ranges next to measured figures.
 */
import { parseGates } from '../scenario/gates.ts';
import { evaluateCrossGate } from './compare/cross.ts';
import type { GateResult } from './compare/types.ts';
import type { RunResult } from './model.ts';

/** Every cross-mesh gate of the scenario, at every level, for every mesh it names. */
export function crossMeshDecisions(result: RunResult): GateResult[] {
  const gates = parseGates(result.scenario.gates, (i) => `${result.scenarioFile}: gates[${i}]`).filter((g) => g.kind === 'cross');
  return gates.flatMap((gate) =>
    result.levels.flatMap((level) =>
      result.scenario.meshes
        .filter((mesh) => mesh !== gate.reference.mesh && (gate.mesh === null || gate.mesh === mesh) && (gate.level === null || gate.level === level.id))
        .map((mesh) => evaluateCrossGate(gate, { mesh, level: level.id }, { candidate: result })),
    ),
  );
}

export interface ExpectationCheck {
  mesh: string;
  level: string;
  what: 'P50 added' | 'P99 added' | 'Sidecar memory per pod' | 'Sidecar CPU per pod';
  unit: 'us' | 'bytes' | 'cores';
  claimed: [number, number];
  source: string | null;
  /** Null when the run measured nothing to hold against the claim. */
  measured: number | null;
  /** below / inside / above the claimed range; null when nothing was measured. */
  position: 'below' | 'inside' | 'above' | null;
}

/** What of a summary cell the checks read (the summary builds them from its cells). */
interface MeasuredCell {
  mesh: string;
  level: { id: string };
  added: { p50Us: { estimate: number } | null; p99Us: { estimate: number } | null } | null;
  figures: { sidecar_mem_per_pod: { median: number } | null; sidecar_cpu_per_pod: { median: number } | null };
}

export function expectationChecks(result: RunResult, cells: readonly MeasuredCell[]): ExpectationCheck[] {
  return cells.flatMap((c) => {
    const e = result.scenario.expectations[c.mesh];
    if (!e) return [];
    const check = (what: ExpectationCheck['what'], unit: ExpectationCheck['unit'], claimed: [number, number] | null, measured: number | null | undefined): ExpectationCheck[] => {
      if (!claimed) return [];
      const m = measured ?? null;
      const position = m === null ? null : m < claimed[0] ? 'below' : m > claimed[1] ? 'above' : 'inside';
      return [{ mesh: c.mesh, level: c.level.id, what, unit, claimed, source: e.source, measured: m, position }];
    };
    return [
      ...check('P50 added', 'us', e.p50AddedUs, c.added?.p50Us?.estimate),
      ...check('P99 added', 'us', e.p99AddedUs, c.added?.p99Us?.estimate),
      ...check('Sidecar memory per pod', 'bytes', e.sidecarMemoryBytes, c.figures.sidecar_mem_per_pod?.median),
      ...check('Sidecar CPU per pod', 'cores', e.sidecarCpuCores, c.figures.sidecar_cpu_per_pod?.median),
    ];
  });
}
