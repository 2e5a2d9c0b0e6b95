/**
 * The verdict table people already use (Metric | Istio | App Mesh): what each mesh adds over no
 * mesh at a load level, with its spread. Repetitions are interleaved (none, istio, appmesh, none,
 * ...), so repetition r of a mesh is paired with repetition r of `none`, and the spread is the
 * range of those paired differences.
 */
import { byRole } from '../results/resources.ts';
import { meshLabel, validTrials, type MeasuredTrial, type RunResult } from '../results/model.ts';
import { spread, type Spread } from '../results/overhead.ts';
import type { LoadLevel } from '../scenario/plan.ts';

export interface VerdictCell {
  /** Median and range over repetitions; null when there is nothing to pair. */
  value: Spread | null;
}

export interface VerdictRow {
  metric: string;
  unit: 'us' | 'percent' | 'mib' | 'cores';
  /** One cell per mesh other than `none`, in scenario order. */
  cells: VerdictCell[];
}

export interface VerdictTable {
  level: LoadLevel;
  meshes: string[];
  meshLabels: string[];
  rows: VerdictRow[];
}

const MIB = 1024 * 1024;

function byRepetition(result: RunResult, mesh: string, levelId: string): Map<number, MeasuredTrial> {
  return new Map(validTrials(result, mesh, levelId).map((t) => [t.trial.repetition, t]));
}

type Figure = (t: MeasuredTrial) => number | null;
const sidecarPerPod: (f: (cores: number, bytes: number) => number) => Figure = (f) => (t) => {
  const s = byRole(t.resources, 'sidecar');
  return s ? f(s.cpuCores, s.memoryBytesAvg) / s.containers : null;
};

export function verdictTables(result: RunResult): VerdictTable[] {
  const meshes = result.scenario.meshes.filter((m) => m !== 'none');
  return result.levels.map((level) => {
    const none = byRepetition(result, 'none', level.id);
    const per = meshes.map((m) => byRepetition(result, m, level.id));
    const paired = (f: (mesh: MeasuredTrial, base: MeasuredTrial) => number | null): VerdictCell[] =>
      per.map((trials) => {
        const values: number[] = [];
        for (const [rep, t] of trials) {
          const base = none.get(rep);
          const v = base ? f(t, base) : null;
          if (v !== null && Number.isFinite(v)) values.push(v);
        }
        return { value: spread(values) };
      });
    const own = (f: Figure): VerdictCell[] =>
      per.map((trials) => ({ value: spread([...trials.values()].map(f).filter((v): v is number => v !== null)) }));
    const labels = meshes.map((m) => meshLabel(result, m));
    return {
      level,
      meshes,
      meshLabels: labels,
      rows: [
        { metric: 'P50 latency added', unit: 'us', cells: paired((t, b) => t.latency.p50Us - b.latency.p50Us) },
        { metric: 'P99 latency added', unit: 'us', cells: paired((t, b) => t.latency.p99Us - b.latency.p99Us) },
        { metric: 'Throughput impact', unit: 'percent', cells: paired((t, b) => (b.load.achievedRps > 0 ? (t.load.achievedRps / b.load.achievedRps - 1) * 100 : null)) },
        { metric: 'Memory overhead per pod (sidecar)', unit: 'mib', cells: own(sidecarPerPod((_c, bytes) => bytes / MIB)) },
        { metric: 'CPU overhead per pod (sidecar)', unit: 'cores', cells: own(sidecarPerPod((cores) => cores)) },
        { metric: 'Sidecar CPU per 1000 rps (both sidecars)', unit: 'cores', cells: own((t) => { const s = byRole(t.resources, 'sidecar'); return s && t.load.achievedRps > 0 ? s.cpuCores / (t.load.achievedRps / 1000) : null; }) },
      ],
    };
  });
}

export function formatVerdictValue(unit: VerdictRow['unit'], v: number): string {
  switch (unit) {
    case 'us':
      return Math.abs(v) < 1000 ? `${v >= 0 ? '+' : '−'}${Math.abs(Math.round(v))} µs` : `${v >= 0 ? '+' : '−'}${(Math.abs(v) / 1000).toFixed(2)} ms`;
    case 'percent':
      return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(1)}%`;
    case 'mib':
      return `${v.toFixed(1)} MiB`;
    case 'cores':
      return `${v.toFixed(3)} cores`;
  }
}

/** "+178 µs (+150 … +205, 3 reps)" */
export function formatVerdictCell(row: VerdictRow, cell: VerdictCell): string {
  const v = cell.value;
  if (!v) return '–';
  const range = v.n > 1 ? ` (${formatVerdictValue(row.unit, v.min)} … ${formatVerdictValue(row.unit, v.max)}, ${v.n} reps)` : ' (1 rep)';
  return `${formatVerdictValue(row.unit, v.median)}${range}`;
}
