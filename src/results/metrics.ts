/**
 * The figures of one measured trial, by name: what summaries, gates and reports all read, so a
 * figure has one definition. Resource figures sum the containers of a role (both sidecars count
 * together); sidecar memory per pod divides by the containers, sidecar CPU per pod by the sides
 * of the traffic (resources.ts, sidecarCpuCoresPerPod).
 */
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
const FROM_EVERY_MEASURED_TRIAL: ReadonlySet<TrialMetric> = new Set(['errors', 'rps', 'sent_rps']);
export const readsEveryMeasuredTrial = (metric: TrialMetric): boolean => FROM_EVERY_MEASURED_TRIAL.has(metric);

export function trialMetric(t: MeasuredTrial, metric: TrialMetric): number | null {
  const v = TRIAL_METRICS[metric](t);
  return v !== null && Number.isFinite(v) ? v : null;
}

/** Memory is each sidecar's own, whatever its share of the traffic: per container. */
function perContainer(t: MeasuredTrial, role: 'sidecar', field: 'memoryBytesAvg'): number | null {
  const r = byRole(t.resources, role);
  return r ? r[field] / r.containers : null;
}

const perKrps = (cores: number | undefined, rps: number): number | null => (cores === undefined ? null : coresPerKrps(cores, rps));
