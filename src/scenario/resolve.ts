/**
 * The resolved scenario: defaults applied, durations in their units, one-or-many values as lists.
 * This is what the plan, the platforms and the result file use; it is stored in result.json as run.
 */
import { createHash } from 'node:crypto';
import { parseDurationMs, parseDurationUs } from './duration.ts';
import type { CustomMeshDefinition } from '../meshes/custom.ts';
import type { LocalControl, LocalSidecar } from '../meshes/types.ts';
import type { WorkloadFault } from '../workload/faults.ts';
import type { Protocol } from '../workload/protocol.ts';
import type { KubernetesObject, Placement, ProxyResources } from '../meshes/kubernetes.ts';
import { MEMORY_PATTERN, type ScenarioInput } from './schema.ts';

export type PlatformName = ScenarioInput['platform'];
/**
 * The mode the engines run: mode `redline` is a search over open-loop (`rate`) trials, so it
 * resolves to `rate` with `load.redline` set.
 */
export type LoadMode = Exclude<ScenarioInput['load']['mode'], 'redline'>;

/** Mode `redline`: the objective a step must hold and the bounds of the search. */
export interface RedlineObjective {
  p99Us: number;
  /** Largest fraction of failed requests (non-2xx and errors) a holding step may have. */
  errorFraction: number;
  minRps: number;
  maxRps: number;
  /** The search ends when (broke − held) / held is at most this. */
  tolerance: number;
  /** Step budget of one search (one mesh, one repetition). */
  maxSteps: number;
}

export interface ResolvedScenario {
  name: string;
  description: string | null;
  platform: PlatformName;
  /** Platform `external`: the URL loaded; null otherwise. */
  target: string | null;
  /**
   * `faults` is left out when there are none, and `protocol` when it is http1, so a scenario
   * without them keeps its hash (read it with `protocolOf`).
   */
  workload: { protocol?: Exclude<Protocol, 'http1'>; payloadBytes: number; serviceDelayUs: number; errorRate: number; faults?: WorkloadFault[] };
  /** Built-in mesh names, or names defined in `customMeshes`. */
  meshes: string[];
  /** With what each needs installed, checked at preflight (`preflight`: controllers and an injector). */
  customMeshes: Record<string, CustomMeshDefinition & { preflight: CustomMeshRequirement[] }>;
  load: {
    mode: LoadMode;
    engine: ScenarioInput['load']['engine'];
    connections: number[];
    /** h2c and grpc: requests in flight at once per connection; absent (1) otherwise, so other scenarios keep their hash. */
    streamsPerConnection?: number;
    /** Target rates of mode `rate`; null in mode `max` and in a redline search (its rates are found as it runs). */
    ratesRps: number[] | null;
    /** Mode `redline` (resolved to `rate`): the search; absent otherwise, so other scenarios keep their hash. */
    redline?: RedlineObjective;
    durationMs: number;
    warmupMs: number;
    timeoutMs: number;
    /** Open loop: worker threads and send-time jitter (fraction of the interval). */
    workers: number;
    /** Platform `kubernetes`: load pods of the Indexed Job (1 elsewhere). */
    pods: number;
    jitter: number;
    /** Open loop: scheduler lag P99 above which the loader counts as saturated. */
    schedulerLagLimitUs: number;
    errorBudget: number;
  };
  resources: { sampleIntervalMs: number };
  /** Platform `local`: the layout asked for; the one used is in the result's environment. */
  local: { layout: 'auto' | 'netns' | 'loopback'; sidecar: LocalSidecar; control: LocalControl };
  kubernetes: {
    /** The workload's image and the one the engine Job runs on, as the scenario names them. */
    images: { workload: string; loader: string };
    namespacePrefix: string;
    mtls: boolean;
    placement: Placement;
    nodeSelector: Record<string, string> | null;
    loadgenNodeSelector: Record<string, string> | null;
    /** The time from creating the engine Job to its pods' common start. */
    loaderStartLeadMs: number;
    /** Bounds on a trial's readiness and teardown. */
    readyTimeoutMs: number;
    teardownTimeoutMs: number;
    /** As the scenario names it; null: read from the kubelets (else cluster.local). */
    clusterDomain: string | null;
    istio: { revision: string | null; concurrency: number; waypoint: boolean; nativeSidecars: boolean | null; proxyResources: ProxyResources };
    appmesh: { router: boolean };
  };
  /** Gate expressions of this scenario; left out of the hash (they judge, they do not measure). */
  gates: string[];
  /** Claimed ranges per mesh, in µs, bytes and cores; left out of the hash like the gates. */
  expectations: Record<string, Expectation>;
  repetitions: number;
  /** As written; the CLI resolves it against the working directory. */
  output: string;
}

/** A custom mesh's preflight requirement, in the shape the Kubernetes preflight checks. */
export type CustomMeshRequirement = ScenarioInput['customMeshes'][string]['preflight'][number];

const list = (v: number | number[]): number[] => (Array.isArray(v) ? v : [v]);

export interface Expectation {
  source: string | null;
  p50AddedUs: [number, number] | null;
  p99AddedUs: [number, number] | null;
  sidecarMemoryBytes: [number, number] | null;
  sidecarCpuCores: [number, number] | null;
}

const BYTES_PER: Record<string, number> = { B: 1, KB: 1e3, KiB: 1024, MB: 1e6, MiB: 1024 ** 2, GB: 1e9, GiB: 1024 ** 3 };

export function parseMemoryBytes(text: string): number {
  const m = MEMORY_PATTERN.exec(text);
  if (!m) throw new RangeError(`not a memory size: ${JSON.stringify(text)}`);
  return Math.round(Number(m[1]) * BYTES_PER[m[2]!]!);
}

function resolveExpectation(e: ScenarioInput['expectations'][string]): Expectation {
  const pair = <T>(v: [T, T] | undefined, f: (x: T) => number): [number, number] | null => (v ? [f(v[0]), f(v[1])] : null);
  return {
    source: e.source ?? null,
    p50AddedUs: pair(e.p50Added, parseDurationUs),
    p99AddedUs: pair(e.p99Added, parseDurationUs),
    sidecarMemoryBytes: pair(e.sidecarMemory, parseMemoryBytes),
    sidecarCpuCores: pair(e.sidecarCpu, (x) => x),
  };
}

const percentFraction = (text: string): number => Number.parseFloat(text) / 100;

function resolveRedline(r: NonNullable<ScenarioInput['load']['redline']>): RedlineObjective {
  return { p99Us: parseDurationUs(r.p99), errorFraction: percentFraction(r.errors), minRps: r.min, maxRps: r.max, tolerance: percentFraction(r.tolerance), maxSteps: r.steps };
}

/** The protocol a resolved scenario's workload speaks (http1 when it says none). */
export function protocolOf(s: Pick<ResolvedScenario, 'workload'>): Protocol {
  return s.workload.protocol ?? 'http1';
}

export function resolveScenario(input: ScenarioInput): ResolvedScenario {
  const { loaderStartLead, readyTimeout, teardownTimeout, clusterDomain, ...kubernetes } = input.kubernetes;
  return {
    name: input.name,
    description: input.description ?? null,
    platform: input.platform,
    target: input.target ?? null,
    workload: {
      ...(input.workload.protocol === 'http1' ? {} : { protocol: input.workload.protocol }),
      payloadBytes: input.workload.payloadBytes,
      serviceDelayUs: parseDurationUs(input.workload.serviceDelay),
      errorRate: input.workload.errorRate,
      ...(input.workload.faults.length
        ? { faults: input.workload.faults.map((f) => ({ kind: f.kind, afterMs: parseDurationMs(f.after), forMs: parseDurationMs(f.for), ...('rate' in f ? { rate: f.rate } : {}) })) }
        : {}),
    },
    meshes: input.meshes ?? (input.platform === 'external' ? ['none'] : ['none', 'istio', 'appmesh']),
    customMeshes: Object.fromEntries(
      Object.entries(input.customMeshes).map(([name, m]) => [
        name,
        { ...m, displayName: m.displayName ?? null, manifests: m.manifests as KubernetesObject[], clusterManifests: m.clusterManifests as KubernetesObject[] },
      ]),
    ),
    load: {
      mode: input.load.mode === 'redline' ? 'rate' : input.load.mode,
      ...(input.load.redline ? { redline: resolveRedline(input.load.redline) } : {}),
      engine: input.load.engine,
      connections: list(input.load.connections),
      ...(input.load.streamsPerConnection > 1 ? { streamsPerConnection: input.load.streamsPerConnection } : {}),
      ratesRps: input.load.rate === undefined ? null : list(input.load.rate),
      durationMs: parseDurationMs(input.load.duration),
      warmupMs: parseDurationMs(input.load.warmup),
      timeoutMs: parseDurationMs(input.load.timeout),
      workers: input.load.workers,
      pods: input.load.pods,
      jitter: input.load.jitter,
      schedulerLagLimitUs: parseDurationUs(input.load.schedulerLagLimit),
      errorBudget: input.load.errorBudget,
    },
    resources: { sampleIntervalMs: parseDurationMs(input.resources.sampleInterval) },
    local: { layout: input.local.layout, sidecar: input.local.sidecar, control: input.local.control },
    kubernetes: {
      ...kubernetes,
      nodeSelector: input.kubernetes.nodeSelector ?? null,
      loadgenNodeSelector: input.kubernetes.loadgenNodeSelector ?? null,
      loaderStartLeadMs: parseDurationMs(loaderStartLead),
      readyTimeoutMs: parseDurationMs(readyTimeout),
      teardownTimeoutMs: parseDurationMs(teardownTimeout),
      clusterDomain: clusterDomain ?? null,
      istio: {
        revision: input.kubernetes.istio.revision ?? null,
        concurrency: input.kubernetes.istio.concurrency,
        waypoint: input.kubernetes.istio.waypoint,
        nativeSidecars: input.kubernetes.istio.nativeSidecars ?? null,
        proxyResources: input.kubernetes.istio.proxyResources,
      },
      appmesh: input.kubernetes.appmesh,
    },
    gates: input.gates,
    expectations: Object.fromEntries(Object.entries(input.expectations).map(([mesh, e]) => [mesh, resolveExpectation(e)])),
    repetitions: input.repetitions,
    output: input.output,
  };
}

/**
 * Identity of what was measured: two results with the same hash ran the same experiment. Name,
 * description, output folder and gates do not change the measurement and are left out.
 */
export function scenarioHash(s: ResolvedScenario): string {
  const { name: _name, description: _description, output: _output, gates: _gates, expectations: _expectations, kubernetes, local: _local, ...measured } = s;
  // Kubernetes settings change only what runs on Kubernetes. The local layout asked for is left
  // out: `auto` resolves per machine, and the layout used is in the environment, which compare checks.
  // How long the harness waits, and the DNS name it reaches the workload by, measure nothing.
  const { readyTimeoutMs: _ready, teardownTimeoutMs: _teardown, clusterDomain: _domain, ...k8s } = kubernetes;
  const identity = s.platform === 'kubernetes' ? { ...measured, kubernetes: k8s } : measured;
  return createHash('sha256').update(canonicalJson(identity)).digest('hex').slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
