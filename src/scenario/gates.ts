/**
 * Gate expressions: `p99 < +10%`, `p50 < +0.2ms`, `rps > -5%`, `errors < 0.1%`,
 * `istio:sidecar_cpu < +15%`, `appmesh/c4-r1000:p99 < 5ms`. A signed threshold bounds the change
 * against the baseline (relative with %, otherwise in the metric's unit); an unsigned one bounds
 * the candidate's own value. A right side that names a mesh (`istio:p99 < appmesh:p99 * 1.10`)
 * compares two meshes of the same run instead.
 */
import { UsageError } from '../errors.ts';

export const GATE_METRICS = {
  p50: { unit: 'us', description: 'P50 latency of 2xx responses' },
  p90: { unit: 'us', description: 'P90 latency of 2xx responses' },
  p99: { unit: 'us', description: 'P99 latency of 2xx responses' },
  rps: { unit: 'rps', description: 'achieved requests per second' },
  throughput_bps: { unit: 'bps', description: 'mode bandwidth: bits per second received by the TCP sink' },
  errors: { unit: 'fraction', description: 'failed requests (non-2xx and errors) over all requests' },
  sidecar_cpu: { unit: 'cores', description: 'CPU of both sidecars' },
  app_cpu: { unit: 'cores', description: 'CPU of the app' },
  sidecar_mem: { unit: 'bytes', description: 'resident memory of both sidecars' },
  redline: { unit: 'rps', description: 'mode redline: the highest rate a mesh holds under the objective, one value per search (judged at level `redline`)' },
} as const;
export type GateMetric = keyof typeof GATE_METRICS;

/** The level a redline run's `redline` figures sit at; no load level is named so (`c16`, `c16-r400`). */
export const REDLINE_LEVEL = 'redline';

/** A gate on `redline` judges the level `redline` only, and every other metric the load levels only. */
export const gateFitsLevel = (metric: GateMetric, level: string): boolean => (metric === 'redline') === (level === REDLINE_LEVEL);

interface GateBase {
  /** As written, for reports. */
  text: string;
  mesh: string | null;
  level: string | null;
  metric: GateMetric;
  op: '<' | '>';
  /** In the metric's unit (µs, rps, cores, bytes, fraction), or a fraction for relative. */
  threshold: number;
}

/** Against a baseline run: the change, the relative change, or the candidate's own value. */
export interface ThresholdGate extends GateBase {
  /** change: candidate − baseline; relative: candidate / baseline − 1; absolute: candidate. */
  kind: 'change' | 'relative' | 'absolute';
}

/**
 * One mesh against another of the same run (or of an imported reference), paired by repetition:
 * `istio:p99 < appmesh:p99 * 1.10` bounds istio / appmesh − 1 by 0.10 (`ratio`);
 * `istio:sidecar_cpu < appmesh:sidecar_cpu + 0.05` bounds istio − appmesh by 0.05 (`difference`);
 * `istio-ambient:p50 < istio:p50` bounds the difference by 0.
 */
export interface CrossMeshGate extends GateBase {
  kind: 'cross';
  reference: { mesh: string };
  statistic: 'ratio' | 'difference';
}

export type Gate = ThresholdGate | CrossMeshGate;

export const DEFAULT_GATES = ['p50 < +10%', 'p99 < +10%', 'rps > -5%'];
/** Mode bandwidth measures no latency or request rate: its default gate is on the bandwidth itself. */
export const BANDWIDTH_DEFAULT_GATES = ['throughput_bps > -5%'];

const GATE = /^\s*(?:([a-z0-9-]+)(?:\/([a-z0-9-]+))?:)?\s*([a-z_0-9]+)\s*([<>])\s*([+-])?\s*(\d+(?:\.\d+)?)\s*(%|ms|us|µs|s|mib|MiB)?\s*$/;

const usPer: Record<string, number> = { us: 1, µs: 1, ms: 1_000, s: 1_000_000 };

/** Parses one gate; `where` says where it was written (a flag, a scenario line). */
export function parseGate(text: string, where: string): Gate {
  const fail = (what: string, fix: string) => new UsageError({ what: `gate "${text}": ${what}`, where, fix });
  if (CROSS_SIDE.test(text)) return parseCrossMeshGate(text, fail);
  const m = GATE.exec(text);
  if (!m) throw fail('not a gate expression', 'write METRIC < +10%, METRIC < +0.2ms, METRIC > -5% or METRIC < VALUE, optionally after MESH: or MESH/LEVEL:');
  const [, mesh, level, metricName, op, sign, number, unit] = m;
  if (!(metricName! in GATE_METRICS)) {
    throw fail(`unknown metric "${metricName}"`, `use one of: ${Object.keys(GATE_METRICS).join(', ')}`);
  }
  const metric = metricName as GateMetric;
  const metricUnit = GATE_METRICS[metric].unit;
  const value = Number(number) * (sign === '-' ? -1 : 1);
  const base = { text: text.trim(), mesh: mesh ?? null, level: level ?? null, metric, op: op as '<' | '>' };

  if (unit === '%') {
    if (sign) return { ...base, kind: 'relative', threshold: value / 100 };
    if (metricUnit !== 'fraction') throw fail(`an unsigned percentage bounds a fraction, and ${metric} is not one`, `write a change with its sign: ${metric} ${op} +${number}%`);
    return { ...base, kind: 'absolute', threshold: value / 100 };
  }
  let threshold = value;
  if (unit && unit in usPer) {
    if (metricUnit !== 'us') throw fail(`${metric} is not a latency, so "${unit}" does not fit`, `write ${metric} ${op} ${sign ?? '+'}${number}%`);
    threshold = value * usPer[unit]!;
  } else if (unit) {
    if (metricUnit !== 'bytes') throw fail(`${metric} is not a memory figure, so "${unit}" does not fit`, `write ${metric} ${op} ${sign ?? '+'}${number}%`);
    threshold = value * 1024 * 1024;
  } else if (metricUnit === 'us') {
    throw fail('a latency threshold needs a unit', `write ${metric} ${op} ${sign ?? ''}${number}ms or ${sign ?? ''}${number}us, or a change in %`);
  }
  return { ...base, kind: sign ? 'change' : 'absolute', threshold };
}

/** The right side names a mesh: `... < appmesh:p99 ...`. */
const CROSS_SIDE = /[<>]\s*[a-z0-9-]+:[a-z_0-9]+/;
const CROSS = /^\s*(?:([a-z0-9-]+)(?:\/([a-z0-9-]+))?:)?\s*([a-z_0-9]+)\s*([<>])\s*([a-z0-9-]+):([a-z_0-9]+)\s*(?:([*+-])\s*(\d+(?:\.\d+)?)\s*(ms|us|µs|s|mib|MiB)?)?\s*$/;

function parseCrossMeshGate(text: string, fail: (what: string, fix: string) => UsageError): CrossMeshGate {
  const m = CROSS.exec(text);
  const shape = 'write MESH:METRIC < OTHER:METRIC, OTHER:METRIC * 1.10 or OTHER:METRIC + 0.05 (a unit for latency and memory: + 2ms, + 8MiB)';
  if (!m) throw fail('not a cross-mesh gate expression', shape);
  const [, mesh, level, metricName, op, refMesh, refMetric, operator, number, unit] = m;
  if (!(metricName! in GATE_METRICS)) throw fail(`unknown metric "${metricName}"`, `use one of: ${Object.keys(GATE_METRICS).join(', ')}`);
  if (refMetric !== metricName) throw fail(`both sides must name the same metric, not ${metricName} and ${refMetric}`, `write ${mesh ?? 'MESH'}:${metricName} ${op} ${refMesh}:${metricName}${operator ? ` ${operator} ${number}${unit ?? ''}` : ''}`);
  if (mesh === refMesh) throw fail(`mesh "${mesh}" is compared with itself`, 'name two different meshes');
  const metric = metricName as GateMetric;
  const base = { text: text.trim(), mesh: mesh ?? null, level: level ?? null, metric, op: op as '<' | '>', reference: { mesh: refMesh! } };
  if (!operator) return { ...base, kind: 'cross', statistic: 'difference', threshold: 0 };
  const value = Number(number);
  if (operator === '*') {
    if (unit) throw fail(`a factor has no unit ("${unit}")`, `write ${refMesh}:${metric} * ${number}`);
    if (!(value > 0)) throw fail('the factor must be above 0', `write ${refMesh}:${metric} * 1.10 for "at most 10 % more"`);
    return { ...base, kind: 'cross', statistic: 'ratio', threshold: value - 1 };
  }
  const metricUnit = GATE_METRICS[metric].unit;
  let offset = value;
  if (metricUnit === 'us') {
    if (!unit || !(unit in usPer)) throw fail('a latency offset needs a time unit', `write ${refMesh}:${metric} ${operator} ${number}ms`);
    offset = value * usPer[unit]!;
  } else if (metricUnit === 'bytes') {
    if (!unit || unit.toLowerCase() !== 'mib') throw fail('a memory offset needs MiB', `write ${refMesh}:${metric} ${operator} ${number}MiB`);
    offset = value * 1024 * 1024;
  } else if (unit) {
    throw fail(`${metric} is not a latency or memory figure, so "${unit}" does not fit`, `write ${refMesh}:${metric} ${operator} ${number}`);
  }
  return { ...base, kind: 'cross', statistic: 'difference', threshold: operator === '-' ? -offset : offset };
}

export function parseGates(texts: readonly string[], where: (i: number) => string): Gate[] {
  return texts.map((t, i) => parseGate(t, where(i)));
}
