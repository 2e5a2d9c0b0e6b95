/**
 * The figures of one measured trial, by name: what summaries, gates and reports all read, so a
 * figure has one definition. Resource figures sum the containers of a role (both sidecars count
 * together); sidecar memory per pod divides by the containers, sidecar CPU per pod by the sides
 * of the traffic (resources.ts, sidecarCpuCoresPerPod).
 */
import { coresPerGbps, sentBitsPerSecond, throughputBitsPerSecond } from './bandwidth.ts';
import { byRole, coresPerKrps, sidecarCpuCoresPerPod } from './resources.ts';
import type { MeasuredTrial } from './model.ts';

export const TRIAL_METRICS = {
  p50: (t) => t.latency.p50Us,
  p90: (t) => t.latency.p90Us,
  p99: (t) => t.latency.p99Us,
  p999: (t) => t.latency.p999Us,
  all_p50: (t) => t.allAttemptsLatency.p50Us,
  all_p99: (t) => t.allAttemptsLatency.p99Us,
  all_p999: (t) => t.allAttemptsLatency.p999Us,
  rps: (t) => t.load.achievedRps,
  sent_rps: (t) => t.load.sentRps,
  throughput_bps: (t) => (t.load.bandwidth ? throughputBitsPerSecond(t.load.bandwidth) : null),
  sent_bps: (t) => (t.load.bandwidth ? sentBitsPerSecond(t.load.bandwidth) : null),
  errors: (t) => (t.load.requests > 0 ? (t.load.responsesNon2xx + t.load.errors) / t.load.requests : null),
  app_cpu: (t) => byRole(t.resources, 'app')?.cpuCores ?? null,
  app_mem: (t) => byRole(t.resources, 'app')?.memoryBytesAvg ?? null,
  sidecar_cpu: (t) => byRole(t.resources, 'sidecar')?.cpuCores ?? null,
  sidecar_mem: (t) => byRole(t.resources, 'sidecar')?.memoryBytesAvg ?? null,
  sidecar_cpu_per_pod: (t) => sidecarCpuCoresPerPod(t.resources),
  sidecar_mem_per_pod: (t) => perContainer(t, 'sidecar', 'memoryBytesAvg'),
  sidecar_cpu_per_krps: (t) => perKrps(byRole(t.resources, 'sidecar')?.cpuCores, t.load.achievedRps),
  node_proxy_cpu: (t) => byRole(t.resources, 'node-proxy')?.cpuCores ?? null,
  node_proxy_mem: (t) => byRole(t.resources, 'node-proxy')?.memoryBytesAvg ?? null,
  node_proxy_cpu_per_krps: (t) => perKrps(byRole(t.resources, 'node-proxy')?.cpuCores, t.load.achievedRps),
  sidecar_cpu_per_gbps: (t) => perGbps(t, 'sidecar'),
  node_proxy_cpu_per_gbps: (t) => perGbps(t, 'node-proxy'),
  control_plane_cpu: (t) => byRole(t.resources, 'control-plane')?.cpuCores ?? null,
  control_plane_mem: (t) => byRole(t.resources, 'control-plane')?.memoryBytesAvg ?? null,
  loadgen_cpu: (t) => byRole(t.resources, 'loadgen')?.cpuCores ?? null,
  loadgen_mem: (t) => byRole(t.resources, 'loadgen')?.memoryBytesAvg ?? null,
} as const satisfies Record<string, (t: MeasuredTrial) => number | null>;

export type TrialMetric = keyof typeof TRIAL_METRICS;

/**
 * Error rate and throughput read every trial that measured a window, valid or invalid: missing the
 * rate or the error budget is exactly what they exist to catch (DESIGN.md "Which trials feed what").
 * Every other figure reads valid trials only.
 */
const FROM_EVERY_MEASURED_TRIAL: ReadonlySet<TrialMetric> = new Set(['errors', 'rps', 'sent_rps', 'throughput_bps']);
export const readsEveryMeasuredTrial = (metric: TrialMetric): boolean => FROM_EVERY_MEASURED_TRIAL.has(metric);

/**
 * The figures of requests: a bandwidth trial sends none, so they are not measured there (null, never
 * the 0 of an empty histogram).
 */
export const REQUEST_METRICS: ReadonlySet<TrialMetric> = new Set(['p50', 'p90', 'p99', 'p999', 'all_p50', 'all_p99', 'all_p999', 'rps', 'sent_rps', 'errors', 'sidecar_cpu_per_krps', 'node_proxy_cpu_per_krps']);

export function trialMetric(t: MeasuredTrial, metric: TrialMetric): number | null {
  if (t.load.bandwidth && REQUEST_METRICS.has(metric)) return null;
  const v = TRIAL_METRICS[metric](t);
  return v !== null && Number.isFinite(v) ? v : null;
}

/** Memory is each sidecar's own, whatever its share of the traffic: per container. */
function perContainer(t: MeasuredTrial, role: 'sidecar', field: 'memoryBytesAvg'): number | null {
  const r = byRole(t.resources, role);
  return r ? r[field] / r.containers : null;
}

const perKrps = (cores: number | undefined, rps: number): number | null => (cores === undefined ? null : coresPerKrps(cores, rps));

/** Mode bandwidth: the role's CPU (both sidecars together, or every ztunnel) per Gbit/s received. */
function perGbps(t: MeasuredTrial, role: 'sidecar' | 'node-proxy'): number | null {
  const cores = byRole(t.resources, role)?.cpuCores;
  return cores === undefined || !t.load.bandwidth ? null : coresPerGbps(cores, throughputBitsPerSecond(t.load.bandwidth));
}
