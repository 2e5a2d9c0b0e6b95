/**
 * The page's answer in one sentence per mesh: what it adds at P50 and P99 over no mesh at the
 * run's heaviest load level, and how firm that is. The figures are the summary's paired
 * estimates (summary.ts), picked here once so the page, summary.md and the terminal say the same.
 */
import { dataPlaneOf } from './data-plane.ts';
import type { LoadLevel } from '../scenario/plan.ts';
import type { PairedEstimate } from './paired.ts';
import type { RunSummary } from './summary.ts';
import type { RunResult } from './model.ts';
import { meshAdapter } from '../meshes/index.ts';

export interface MeshHeadline {
  mesh: string;
  /** "Istio", "AWS App Mesh": the mesh adapter's name for people. */
  displayName: string;
  meshLabel: string;
  /** Measured on a stand-in (the local platform's HAProxy sidecars), not the mesh's own proxy. */
  emulated: boolean;
  p50AddedUs: PairedEstimate | null;
  p99AddedUs: PairedEstimate | null;
  /** Pairs the smaller of the two estimates rests on (0 without any). */
  pairs: number;
  /** Both estimates rest on enough pairs for a firm figure. */
  firm: boolean;
  /** Mode bandwidth: what the sink received with this mesh, its change over the baseline, and proxy CPU per Gbit/s (medians). */
  bandwidth?: { bitsPerSecond: number | null; change: PairedEstimate | null; proxyCoresPerGbps: number | null };
}

export interface Headline {
  /** The level the sentences speak of: the highest rate (or the most connections), the one a mesh costs most at. */
  level: LoadLevel | null;
  /** Load levels in the run: the sentence says when there are others. */
  levels: number;
  baselineMesh: string | null;
  minFirmPairs: number;
  meshes: MeshHeadline[];
  /** Display names of the meshes that ran as an emulation; empty when none did. */
  emulated: string[];
  /** Meshes measured on local Envoy sidecars with their defaults (the real proxy, not the mesh's control plane). */
  localEnvoy: string[];
  /** Mode bandwidth: the sentences speak of bits per second, not latency. */
  bandwidth: boolean;
  /** Mode bandwidth: the baseline's median bits per second at `level`. */
  baselineBitsPerSecond: number | null;
  /** The baseline's own figures at `level`, said when there is no other mesh (a quick run of a URL). */
  baseline: { label: string; p50Us: number | null; p99Us: number | null; valid: number; measured: number } | null;
}

/** "istio (local emulation: HAProxy 2.6 sidecars, ...)": the label platforms/local gives a stand-in. */
export const isEmulationLabel = (label: string): boolean => dataPlaneOf(label) === 'stand-in';

function heaviest(levels: readonly LoadLevel[]): LoadLevel | null {
  let best: LoadLevel | null = null;
  for (const l of levels) {
    const load = (x: LoadLevel) => [x.targetRps ?? Infinity, x.connections];
    if (!best) best = l;
    else {
      const [a, b] = [load(l), load(best)];
      if (a[0]! > b[0]! || (a[0] === b[0] && a[1]! >= b[1]!)) best = l;
    }
  }
  return best;
}

/** The mesh adapters' names for people ("Istio"), the mesh's own name when it has none. */
export function displayNames(result: RunResult): (mesh: string) => string {
  return (mesh) => {
    try {
      return meshAdapter(result.scenario, mesh).displayName;
    } catch {
      // An imported result may name a mesh this build does not define.
      return mesh;
    }
  };
}

export function headline(summary: RunSummary, displayName: (mesh: string) => string = (m) => m): Headline {
  const level = heaviest(summary.levels);
  const meshes = !level
    ? []
    : summary.cells
        .filter((c) => c.level.id === level.id && !c.isBaseline && c.added !== null)
        .map((c): MeshHeadline => {
          const p50 = c.added!.p50Us;
          const p99 = c.added!.p99Us;
          const pairs = Math.min(p50?.n ?? 0, p99?.n ?? 0);
          const base = { mesh: c.mesh, displayName: displayName(c.mesh), meshLabel: c.meshLabel, emulated: isEmulationLabel(c.meshLabel), p50AddedUs: p50, p99AddedUs: p99 };
          if (!summary.bandwidth) return { ...base, pairs, firm: !!p50?.firm && !!p99?.firm };
          const change = c.added!.bandwidthChange;
          const proxy = (c.figures.sidecar_cpu_per_gbps?.median ?? 0) + (c.figures.node_proxy_cpu_per_gbps?.median ?? 0);
          const hasProxy = c.figures.sidecar_cpu_per_gbps !== null || c.figures.node_proxy_cpu_per_gbps !== null;
          return { ...base, pairs: change?.n ?? 0, firm: !!change?.firm, bandwidth: { bitsPerSecond: c.figures.throughput_bps?.median ?? null, change, proxyCoresPerGbps: hasProxy ? proxy : null } };
        });
  return {
    level,
    levels: summary.levels.length,
    baselineMesh: summary.baselineMesh,
    minFirmPairs: summary.minFirmPairs,
    meshes,
    emulated: summary.meshes.filter((m) => isEmulationLabel(m.label)).map((m) => displayName(m.name)),
    localEnvoy: summary.meshes.filter((m) => dataPlaneOf(m.label) === 'local-envoy').map((m) => displayName(m.name)),
    bandwidth: summary.bandwidth,
    baselineBitsPerSecond: (level && summary.cells.find((c) => c.level.id === level.id && c.isBaseline)?.figures.throughput_bps?.median) ?? null,
    baseline: baselineFigures(summary, level),
  };
}

function baselineFigures(summary: RunSummary, level: LoadLevel | null): Headline['baseline'] {
  const cell = level ? summary.cells.find((c) => c.level.id === level.id && c.isBaseline) : undefined;
  if (!cell) return null;
  return { label: cell.meshLabel, p50Us: cell.figures.p50?.median ?? null, p99Us: cell.figures.p99?.median ?? null, valid: cell.trials.valid, measured: cell.trials.valid + cell.trials.invalid };
}
