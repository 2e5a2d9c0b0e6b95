/**
 * Several runs on one chart, as Fortio's browser overlays saved runs: last week's nightly beside
 * today's, an App Mesh archive beside an Istio run. Curves are grouped by load level (same
 * connections and rate), one per run and mesh, from each run's valid repetitions merged exactly.
 */
import type { RunResult } from './model.ts';
import { curveDepth, percentileAtDepth, percentileCurve } from './percentile-curve.ts';
import { mergedLatency } from './summary.ts';
import { meshLabel } from './model.ts';

export interface OverlayRun {
  /** How the user named it (the path given). */
  label: string;
  result: RunResult;
}

export interface OverlayCurve {
  run: string;
  mesh: string;
  meshLabel: string;
  samples: number;
  p50Us: number;
  p99Us: number;
  /** [percentile, latency µs], to the depth of the level's chart. */
  points: [number, number][];
}

export interface OverlayLevel {
  id: string;
  connections: number;
  targetRps: number | null;
  /** The percentile the chart ends at: the deepest every curve supports. */
  maxPercentile: number;
  curves: OverlayCurve[];
}

export interface Overlay {
  runs: { label: string; runId: string; scenario: string; startedAt: string; platform: string; layout: string; source: string }[];
  levels: OverlayLevel[];
}

export function overlay(runs: readonly OverlayRun[]): Overlay {
  const levels = new Map<string, { connections: number; targetRps: number | null; found: { run: string; mesh: string; label: string; h: NonNullable<ReturnType<typeof mergedLatency>> }[] }>();
  for (const { label, result } of runs) {
    for (const level of result.levels) {
      const entry = levels.get(level.id) ?? { connections: level.connections, targetRps: level.targetRps, found: [] };
      levels.set(level.id, entry);
      for (const mesh of result.scenario.meshes) {
        const h = mergedLatency(result, mesh, level.id);
        if (h && h.totalCount > 0) entry.found.push({ run: label, mesh, label: meshLabel(result, mesh), h });
      }
    }
  }
  return {
    runs: runs.map(({ label, result }) => ({
      label,
      runId: result.runId,
      scenario: result.scenario.name,
      startedAt: result.startedAt,
      platform: result.environment.platform,
      layout: result.environment.layout,
      source: result.source.kind === 'imported' ? `imported from ${result.source.tool}` : 'measured by meshbench',
    })),
    levels: [...levels.entries()]
      .filter(([, l]) => l.found.length > 0)
      .map(([id, l]) => {
        const depth = curveDepth(l.found.map((f) => f.h.totalCount));
        return {
          id,
          connections: l.connections,
          targetRps: l.targetRps,
          maxPercentile: percentileAtDepth(depth),
          curves: l.found.map((f) => ({ run: f.run, mesh: f.mesh, meshLabel: f.label, samples: f.h.totalCount, p50Us: f.h.getValueAtPercentile(50), p99Us: f.h.getValueAtPercentile(99), points: percentileCurve(f.h, depth) })),
        };
      }),
  };
}
