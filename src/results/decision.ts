/**
 * The migration decision inside one run: the scenario's cross-mesh gates ("is Istio at least as good
 * as App Mesh, within the margin we accept?") and claimed ranges next to measured figures.
 */
import { gateFitsLevel, parseGates } from '../scenario/gates.ts';
import { evaluateCrossGate } from './compare/cross.ts';
import { DEFAULT_CONFIDENCE, medianInterval } from './compare/intervals.ts';
import { trialMetric } from './metrics.ts';
import type { PairedEstimate } from './paired.ts';
import { judgedCells } from './coverage.ts';
import type { GateResult } from './compare/types.ts';
import { dataPlaneOf } from './data-plane.ts';
import { validTrials, type RunResult } from './model.ts';

/** Every cross-mesh gate of the scenario, at every level, for every mesh it names. */
export function crossMeshDecisions(result: RunResult, confidence = DEFAULT_CONFIDENCE): GateResult[] {
  const gates = parseGates(result.scenario.gates, (i) => `${result.scenarioFile}: gates[${i}]`).filter((g) => g.kind === 'cross');
  const cells = judgedCells(result);
  return gates.flatMap((gate) =>
    cells
      .filter((c) => c.mesh !== gate.reference.mesh && gateFitsLevel(gate.metric, c.level) && (gate.mesh === null || gate.mesh === c.mesh) && (gate.level === null || gate.level === c.level))
      .map((c) => evaluateCrossGate(gate, c, { candidate: result, confidence })),
  );
}

export interface ExpectationCheck {
  mesh: string;
  level: string;
  what: 'P50 added' | 'P99 added' | 'Sidecar memory per pod' | 'Sidecar CPU per pod';
  unit: 'us' | 'bytes' | 'cores';
  claimed: [number, number];
  source: string | null;
  /** The median measured; null when the run measured nothing to hold against the claim. */
  measured: number | null;
  /** Its interval over the repetitions (pairs, for "added"), with the level it really has. */
  interval: { low: number; high: number; level: number; n: number } | null;
  /**
   * Why the measurement cannot speak for the claim (a stand-in proxy, simulated pods); null when it
   * can. A claim about a real mesh is judged only against a measurement of that mesh's proxy.
   */
  notComparable: string | null;
  /**
   * Where the interval lies: wholly below, inside or above the claimed range, or across an edge;
   * null when not judged (not comparable, nothing measured, or an interval short of the level).
   */
  position: 'below' | 'inside' | 'above' | 'across' | null;
}

/** What of a summary cell the checks read (the summary builds them from its cells). */
interface MeasuredCell {
  mesh: string;
  meshLabel: string;
  level: { id: string };
  added: { p50Us: PairedEstimate | null; p99Us: PairedEstimate | null } | null;
}

/**
 * Whether a mesh's measurement is of that mesh's real proxy, for a claim about latency (the whole
 * data path) or about the sidecar's own cost. HAProxy stands in for Envoy; local Envoy sidecars
 * are the real proxy but not the mesh's own deployment, so they speak for sidecar cost only.
 */
export function whyNotComparable(result: RunResult, meshLabel: string, about: 'latency' | 'sidecar'): string | null {
  if (result.source.kind === 'imported') return null;
  if (result.environment.caveats.some((c) => /simulated/i.test(c))) return 'not comparable: simulated pods';
  const plane = dataPlaneOf(meshLabel);
  if (plane === 'stand-in') return 'not comparable: HAProxy stand-in';
  if (plane === 'local-envoy' && about === 'latency') return "not comparable: local Envoy sidecars with the mesh's defaults, not the mesh's own deployment";
  return null;
}

function positionOf(i: { low: number; high: number }, claimed: [number, number]): ExpectationCheck['position'] {
  if (i.high < claimed[0]) return 'below';
  if (i.low > claimed[1]) return 'above';
  return i.low >= claimed[0] && i.high <= claimed[1] ? 'inside' : 'across';
}

export function expectationChecks(result: RunResult, cells: readonly MeasuredCell[], confidence = DEFAULT_CONFIDENCE): ExpectationCheck[] {
  return cells.flatMap((c) => {
    const e = result.scenario.expectations[c.mesh];
    if (!e) return [];
    const check = (what: ExpectationCheck['what'], unit: ExpectationCheck['unit'], claimed: [number, number] | null, about: 'latency' | 'sidecar', estimate: { estimate: number; low: number; high: number; level: number; n: number } | null): ExpectationCheck[] => {
      if (!claimed) return [];
      const notComparable = whyNotComparable(result, c.meshLabel, about);
      const firm = estimate !== null && estimate.n >= 3 && estimate.level >= confidence;
      const interval = estimate ? { low: estimate.low, high: estimate.high, level: estimate.level, n: estimate.n } : null;
      const position = notComparable === null && firm ? positionOf(estimate, claimed) : null;
      return [{ mesh: c.mesh, level: c.level.id, what, unit, claimed, source: e.source, measured: estimate?.estimate ?? null, interval, notComparable, position }];
    };
    const perPod = (metric: 'sidecar_mem_per_pod' | 'sidecar_cpu_per_pod') => {
      const values = validTrials(result, c.mesh, c.level.id).flatMap((t) => trialMetric(t, metric) ?? []);
      return values.length ? { ...medianInterval(values, confidence), n: values.length } : null;
    };
    return [
      ...check('P50 added', 'us', e.p50AddedUs, 'latency', c.added?.p50Us ?? null),
      ...check('P99 added', 'us', e.p99AddedUs, 'latency', c.added?.p99Us ?? null),
      ...check('Sidecar memory per pod', 'bytes', e.sidecarMemoryBytes, 'sidecar', perPod('sidecar_mem_per_pod')),
      ...check('Sidecar CPU per pod', 'cores', e.sidecarCpuCores, 'sidecar', perPod('sidecar_cpu_per_pod')),
    ];
  });
}
