/**
 * Gate expressions: `p99 < +10%`, `p50 < +0.2ms`, `rps > -5%`, `errors < 0.1%`,
 * `istio:sidecar_cpu < +15%`, `appmesh/c4-r1000:p99 < 5ms`. A signed threshold bounds the change
 * against the baseline (relative with %, otherwise in the metric's unit); an unsigned one bounds
 * the candidate's own value.
 */
import { UsageError } from '../errors.ts';

export const GATE_METRICS = {
  p50: { unit: 'us', description: 'P50 latency of 2xx responses' },
  p90: { unit: 'us', description: 'P90 latency of 2xx responses' },
  p99: { unit: 'us', description: 'P99 latency of 2xx responses' },
  rps: { unit: 'rps', description: 'achieved requests per second' },
  errors: { unit: 'fraction', description: 'failed requests (non-2xx and errors) over all requests' },
  sidecar_cpu: { unit: 'cores', description: 'CPU of both sidecars' },
  app_cpu: { unit: 'cores', description: 'CPU of the app' },
  sidecar_mem: { unit: 'bytes', description: 'resident memory of both sidecars' },
} as const;
export type GateMetric = keyof typeof GATE_METRICS;

export interface Gate {
  /** As written, for reports. */
  text: string;
  mesh: string | null;
  level: string | null;
  metric: GateMetric;
  op: '<' | '>';
  /** change: candidate − baseline; relative: candidate / baseline − 1; absolute: candidate. */
  kind: 'change' | 'relative' | 'absolute';
  /** In the metric's unit (µs, rps, cores, bytes, fraction), or a fraction for relative. */
  threshold: number;
}

export const DEFAULT_GATES = ['p50 < +10%', 'p99 < +10%', 'rps > -5%'];

const GATE = /^\s*(?:([a-z0-9-]+)(?:\/([a-z0-9-]+))?:)?\s*([a-z_0-9]+)\s*([<>])\s*([+-])?\s*(\d+(?:\.\d+)?)\s*(%|ms|us|µs|s|mib|MiB)?\s*$/;

const usPer: Record<string, number> = { us: 1, µs: 1, ms: 1_000, s: 1_000_000 };

/** Parses one gate; `where` says where it was written (a flag, a scenario line). */
export function parseGate(text: string, where: string): Gate {
  const fail = (what: string, fix: string) => new UsageError({ what: `gate "${text}": ${what}`, where, fix });
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

export function parseGates(texts: readonly string[], where: (i: number) => string): Gate[] {
  return texts.map((t, i) => parseGate(t, where(i)));
}
