/**
 * `bench export RESULT --format smp`: a meshbench run as Service Mesh Performance (SMP)
 * documents, the format Meshery reads: per measured trial a `PerformanceTestResult` (latency in
 * ms, actual QPS) and, for a mesh with watched sidecars, the `ServiceMeshConfig` its
 * `mesh_config_id` names (sidecar CPU and memory); per load level a `PerformanceTestConfig`
 * (`test_id`); one `EnvironmentConfig` (`env_id`). Written in the proto3 JSON mapping of the SMP
 * protos (../shared/interop/smp/, commit 6ecbce7) with the .proto field names, which protojson,
 * Go's encoding of the generated structs and the Meshery-era YAML all read. Pure.
 *
 * SMP has no place for repetitions, separate non-2xx latency, or P99.9: those go into `labels`.
 */
import { decodeHistogram } from '../../results/histogram.ts';
import { isMeasured, type MeasuredTrial, type RunResult } from '../../results/model.ts';
import type { LoadLevel } from '../../scenario/plan.ts';
import { meshAdapter } from '../../meshes/index.ts';
import type { ReportFile } from '../types.ts';

/** The SMP spec the documents follow: the protos' commit (the spec has no release of its own there). */
export const SMP_VERSION = 'protos@6ecbce7';
const MB = 1_000_000;

/** SMP's ServiceMesh.Type for meshbench's built-in meshes; any other is INVALID_MESH with its name in labels. */
const MESH_TYPES: Record<string, string> = { istio: 'ISTIO', 'istio-ambient': 'ISTIO', appmesh: 'APP_MESH', linkerd: 'LINKERD' };

export interface SmpDocument {
  /** The SMP message this document is: PerformanceTestResult, ServiceMeshConfig, PerformanceTestConfig or EnvironmentConfig. */
  message: 'PerformanceTestResult' | 'ServiceMeshConfig' | 'PerformanceTestConfig' | 'EnvironmentConfig';
  path: string;
  body: Record<string, unknown>;
}

export function exportSmp(result: RunResult): ReportFile[] {
  return smpDocuments(result).map((d) => ({ path: d.path, content: `${JSON.stringify(d.body, null, 2)}\n` }));
}

export function smpDocuments(result: RunResult): SmpDocument[] {
  const envId = `${result.runId}/environment`;
  const docs: SmpDocument[] = [{ message: 'EnvironmentConfig', path: 'smp/environment.json', body: environmentConfig(result, envId) }];
  for (const level of result.levels) docs.push({ message: 'PerformanceTestConfig', path: `smp/test-${level.id}.json`, body: testConfig(result, level) });
  for (const t of result.trials.filter(isMeasured)) {
    const name = `${t.trial.mesh}-${t.trial.level.id}-rep${t.trial.repetition}`;
    const meshConfig = serviceMeshConfig(result, t);
    if (meshConfig) docs.push({ message: 'ServiceMeshConfig', path: `smp/${name}.mesh-config.json`, body: meshConfig });
    docs.push({ message: 'PerformanceTestResult', path: `smp/${name}.result.json`, body: testResult(result, t, envId, meshConfig ? String(meshConfig.id) : null) });
  }
  return docs;
}

function trialId(result: RunResult, t: MeasuredTrial): string {
  return `${result.runId}/${t.trial.mesh}/${t.trial.level.id}/rep${t.trial.repetition}`;
}

const ms = (us: number) => us / 1000;

function testResult(result: RunResult, t: MeasuredTrial, envId: string, meshConfigId: string | null): Record<string, unknown> {
  const start = Date.parse(t.windowStartedAt ?? t.startedAt);
  const ok = decodeHistogram(t.histograms.latencyUs);
  const l = t.latency;
  const load = t.load;
  const labels: Record<string, string> = {
    meshbench_run_id: result.runId,
    meshbench_version: result.meshbenchVersion,
    mesh: t.trial.mesh,
    mesh_label: t.meshLabel,
    level: t.trial.level.id,
    connections: String(t.trial.level.connections),
    target_rps: load.targetRps === null ? 'max' : String(load.targetRps),
    repetition: String(t.trial.repetition),
    status: t.status,
    ...(t.reasons.length > 0 && { invalid_reasons: t.reasons.join('; ') }),
    load_generator: load.engine,
    latency_scope: load.mode === 'rate' ? '2xx responses, from the intended send time (coordinated-omission corrected)' : '2xx responses, from the actual send',
    latency_count: String(l.count),
    ...(l.p999Us !== null && { latency_p999_ms: String(ms(l.p999Us)) }),
    requests: String(load.requests),
    responses_2xx: String(load.responses2xx),
    responses_non2xx: String(load.responsesNon2xx),
    errors: String(load.errors),
    ...(load.sentRps !== null && { sent_rps: String(load.sentRps) }),
  };
  return {
    smp_version: SMP_VERSION,
    id: trialId(result, t),
    labels,
    start_time: new Date(start).toISOString(),
    end_time: new Date(start + load.durationMs).toISOString(),
    // Derived from the 2xx histogram; the percentiles are HdrHistogram's (3 significant digits).
    latencies_ms: l.count === 0
      ? {}
      : { min: ms(ok.minNonZeroValue), average: ms(l.meanUs), p50: ms(l.p50Us), ...(l.p90Us !== null && { p90: ms(l.p90Us) }), ...(l.p99Us !== null && { p99: ms(l.p99Us) }), max: ms(l.maxUs) },
    actual_qps: load.achievedRps,
    test_id: `${result.runId}/${t.trial.level.id}`,
    ...(meshConfigId !== null && { mesh_config_id: meshConfigId }),
    env_id: envId,
  };
}

/**
 * The data plane of one trial: sidecars in SMP's `sidecar`; ztunnel and waypoints, which SMP has
 * no field for, in labels. Null for no mesh, or when no data-plane container was watched.
 */
function serviceMeshConfig(result: RunResult, t: MeasuredTrial): Record<string, unknown> | null {
  const sidecars = t.resources.filter((r) => r.role === 'sidecar');
  const other = t.resources.filter((r) => r.role === 'node-proxy' || r.role === 'waypoint');
  if (t.trial.mesh === 'none' || sidecars.length + other.length === 0) return null;
  const mtls = meshMtls(result, t.trial.mesh);
  const c = result.environment.components;
  const version = c['proxy-image'] ?? (c['sidecar'] === 'envoy' ? c['envoy'] : c['haproxy']) ?? '';
  return {
    smp_version: SMP_VERSION,
    id: `${trialId(result, t)}/mesh-config`,
    labels: {
      mesh: t.trial.mesh,
      mesh_label: t.meshLabel,
      memory: 'mem_mb: average resident memory over the measured window, in MB (10^6 bytes); cpu_mcores: average over the window',
      ...Object.fromEntries(other.flatMap((r) => [
        [`${r.role}_${r.pod}_${r.container}_cpu_mcores`, String(Math.round(r.cpuCores * 1000))],
        [`${r.role}_${r.pod}_${r.container}_mem_mb`, String(Math.round(r.memoryBytesAvg / MB))],
      ])),
      ...(mtls === null && { mtls: 'unknown' }),
    },
    ...(sidecars.length > 0 && {
      sidecar: {
        count: sidecars.length,
        cpu_mcores: Math.round(sidecars.reduce((a, r) => a + r.cpuCores, 0) * 1000),
        mem_mb: Math.round(sidecars.reduce((a, r) => a + r.memoryBytesAvg, 0) / MB),
        rps: Math.round(t.load.achievedRps),
      },
    }),
    ...(mtls !== null && { mtls_enabled: mtls }),
    mesh_type: { type: MESH_TYPES[t.trial.mesh] ?? 'INVALID_MESH', version, labels: { meshbench_mesh: t.trial.mesh } },
  };
}

/** Whether the mesh ran with mTLS: its local emulation profile, or the scenario's Kubernetes setting. */
function meshMtls(result: RunResult, mesh: string): boolean | null {
  if (result.environment.platform === 'kubernetes') return result.scenario.kubernetes.mtls;
  if (result.environment.platform !== 'local') return null;
  const profile = meshAdapter(result.scenario, mesh).localProfile;
  return profile ? profile({ cpuCount: result.environment.cpuCount }).mtls : null;
}

function testConfig(result: RunResult, level: LoadLevel): Record<string, unknown> {
  const s = result.scenario;
  return {
    smp_version: SMP_VERSION,
    id: `${result.runId}/${level.id}`,
    name: `${s.name} ${level.id}`,
    labels: { scenario_file: result.scenarioFile, scenario_hash: result.scenarioHash, meshes: s.meshes.join(','), repetitions: String(s.repetitions) },
    clients: [{
      internal: result.environment.platform === 'kubernetes',
      load_generator: 'meshbench',
      protocol: 'PROTOCOL_HTTP',
      connections: level.connections,
      // 0: unthrottled (closed loop), as Meshery reads it.
      rps: level.targetRps ?? 0,
      endpoint_urls: s.target === null ? [] : [s.target],
    }],
    duration: `${s.load.durationMs / 1000}s`,
  };
}

function environmentConfig(result: RunResult, id: string): Record<string, unknown> {
  const e = result.environment;
  return {
    smp_version: SMP_VERSION,
    id,
    labels: {
      platform: e.platform,
      layout: e.layout,
      os: e.os,
      kernel: e.kernel,
      node: e.node,
      nodes: 'the machine meshbench ran on',
      ...Object.fromEntries(Object.entries(e.components).map(([k, v]) => [`component_${k}`, v])),
    },
    ...(e.components['kubernetes'] !== undefined && { kubernetes_version: e.components['kubernetes'] }),
    nodes: [{ type: e.cpuModel, cores: e.cpuCount, mem_mb: Math.round(e.memoryBytes / MB) }],
  };
}
