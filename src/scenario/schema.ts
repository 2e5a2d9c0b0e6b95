/**
 * The scenario file's schema: the single source of truth for what a scenario may say. `bench
 * schema` prints it as JSON Schema and `bench validate` checks files against it. It describes the
 * YAML as written (duration strings, a number or a list); `resolve.ts` turns that into the
 * resolved scenario the rest of the code uses.
 */
import { z } from 'zod';
import { MESH_NAMES } from '../meshes/index.ts';
import { LOCAL_CONTROLS, LOCAL_SIDECARS } from '../meshes/types.ts';
import { PLACEMENTS } from '../meshes/kubernetes.ts';
import { FAULT_KINDS } from '../workload/faults.ts';
import { PROTOCOLS } from '../workload/protocol.ts';
import { HARD_CEILINGS } from './ceilings.ts';
import { DURATION_PATTERN } from './duration.ts';
import { CUSTOM_MESH_NAME, CustomMeshSchema } from './schema-custom-mesh.ts';
import { duration, percentage, printable } from './schema-fields.ts';

export { durationSchemas, PERCENT_PATTERN, percentSchemas } from './schema-fields.ts';
export { CUSTOM_MESH_NAME, CustomMeshSchema } from './schema-custom-mesh.ts';

/** The Fortio server, pinned, as the workload of Istio's own benchmarks. */
export const DEFAULT_WORKLOAD_IMAGE = 'fortio/fortio:1.66.0';

export const PLATFORM_NAMES = ['local', 'external', 'kubernetes'] as const;
export const LOAD_MODES = ['max', 'rate', 'redline', 'bandwidth'] as const;
/** Which implementation drives the load: meshbench's own, or autocannon (closed loop only). */
export const LOAD_ENGINES = ['meshbench', 'autocannon'] as const;

const oneOrMany = (item: z.ZodNumber, description: string) =>
  z.union([item, z.array(item).min(1)]).meta({ description });

const connections = z.number().int().min(1).max(10_000);
const rateRps = z.number().int().min(1).max(1_000_000);

const faultTiming = {
  after: duration('From the first request the service sees to the start of the fault.', HARD_CEILINGS.faultMs).default('0s'),
  for: duration('How long the fault lasts.', HARD_CEILINGS.faultMs),
};

export const FaultSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal(FAULT_KINDS[0]).meta({ description: 'Every request is answered with a TCP reset (RST).' }), ...faultTiming }),
    z.strictObject({
      kind: z.literal(FAULT_KINDS[1]).meta({ description: 'A fraction of requests is answered with HTTP 503 (a 5xx burst).' }),
      ...faultTiming,
      rate: z.number().gt(0).max(1).default(1).meta({ description: 'Fraction of requests answered 503 during the fault, spread evenly.' }),
    }),
  ])
  .meta({ description: 'One injected fault.' });

export const WorkloadSchema = z
  .strictObject({
    protocol: z
      .enum(PROTOCOLS)
      .default('http1')
      .meta({ description: 'What the workload speaks and the load engine sends: `http1` (HTTP/1.1), `h2c` (HTTP/2 without TLS; see `load.streamsPerConnection`), `grpc` (unary calls of Fortio\'s ping service, fgrpc.PingServer/Ping), `tcp` (requests of `payloadBytes` echoed back in full), `https` (HTTP/1.1 over the workload\'s own TLS) and `h2` (HTTP/2 over it, ALPN h2; see `load.streamsPerConnection`), with a certificate from a CA made for the run, which the loader trusts; a mesh carries the workload\'s TLS as TCP, so its HTTP features do not apply.' }),
    payloadBytes: z
      .number()
      .int()
      .min(0)
      .max(64 * 1024 * 1024)
      .default(1024)
      .meta({ description: 'Size of every response body, in bytes (gRPC: of the ping reply\'s payload; tcp: of each request and its echo).' }),
    serviceDelay: duration('Time the service takes before answering each request: a timer from 1 ms, busy work below (Node timers step in whole ms).', HARD_CEILINGS.serviceDelayMs).default('0ms'),
    errorRate: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .meta({ description: 'Fraction of requests answered with HTTP 500, spread evenly (0 to 1).' }),
    faults: z
      .array(FaultSchema)
      .max(16)
      .default([])
      .meta({ description: 'Faults to inject on a timetable (platform `local`), to see what a run does when the target misbehaves. Times count from the first request (the warmup\'s first).' }),
  })
  .meta({ description: 'The built-in sample HTTP service that every mesh fronts.' });

/** The validity rules' defaults; a scenario that loosens them is said so in every report. */
export const VALIDITY_DEFAULTS = { schedulerLagLimit: '1ms', schedulerLagLimitUs: 1_000, errorBudget: 0.01 } as const;

/** Defaults of `load.redline` that the scenario may leave out. */
export const REDLINE_DEFAULTS = { errors: '0.1%', tolerance: '5%', steps: 12 } as const;

const RedlineSchema = z
  .strictObject({
    p99: duration('The latency objective: a step holds while the P99 of its 2xx responses is at or under this (from the intended send time).', HARD_CEILINGS.timeoutMs),
    errors: percentage('The error objective: a step holds while its failed requests (non-2xx and errors) are at or under this fraction of all.', 100).default(REDLINE_DEFAULTS.errors),
    min: rateRps.meta({ description: 'First rate of the search (requests per second); a mesh that breaks the objective here is reported as below it.' }),
    max: rateRps.meta({ description: 'Highest rate the search tries; a mesh that holds here is reported as at least this.' }),
    tolerance: percentage('The search ends when the rate that broke is within this of the rate that held.', 50).default(REDLINE_DEFAULTS.tolerance),
    steps: z.number().int().min(2).max(64).default(REDLINE_DEFAULTS.steps).meta({ description: 'Step budget of one search (one mesh, one repetition): a search that has not converged by then reports the bracket it reached.' }),
  })
  .meta({ description: 'Mode `redline`: the objective and the search range. Each step is an open-loop trial with its own warmup; the search doubles the rate from `min` until a step breaks the objective, then bisects; `repetitions` repeats the whole search, so the redline has an interval.' });

const LoadSchema = z
  .strictObject({
    mode: z
      .enum(LOAD_MODES)
      .default('max')
      .meta({ description: '`max`: closed loop, as fast as the connections allow (autocannon). `rate`: open loop at fixed rates. `redline`: a search for the highest open-loop rate that holds a latency objective (see `redline`). `bandwidth` (protocol `tcp`, platform `local`): like iperf3, every connection writes as fast as it can to the workload\'s TCP sink, which discards; reports bits per second received by the sink and proxy CPU per Gbit/s, no latency.' }),
    redline: RedlineSchema.optional(),
    engine: z
      .enum(LOAD_ENGINES)
      .default('meshbench')
      .meta({ description: '`meshbench`: its own engine (µs latency from its own connections; open and closed loop). `autocannon`: closed loop (`mode: max`) only, kept for comparison; latency is still recorded by meshbench in µs.' }),
    connections: oneOrMany(connections, 'Keep-alive connections; a list makes one load level per value.').default(4),
    streamsPerConnection: z
      .number()
      .int()
      .min(1)
      .max(1_000)
      .default(1)
      .meta({ description: 'Protocols `h2c`, `h2` and `grpc`: requests in flight at once on each connection (HTTP/2 streams); connections × streams requests can be outstanding. 1 for `http1`, `https` and `tcp`.' }),
    rate: oneOrMany(rateRps, 'Target requests per second (mode `rate` only); a list makes one load level per value.').optional(),
    duration: duration('Measured window of each trial.', HARD_CEILINGS.durationMs).default('10s'),
    warmup: duration('Load run and discarded before each measured window.', HARD_CEILINGS.warmupMs).default('2s'),
    timeout: duration('A request with no response after this long counts as a timeout error.', HARD_CEILINGS.timeoutMs).default('10s'),
    workers: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(1)
      .meta({ description: 'Mode `rate`: worker threads that split the rate and the connections, for rates one core cannot pace.' }),
    pods: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(1)
      .meta({ description: 'Platform `kubernetes`: load pods (an Indexed Job), each sending rate/N over connections/N, their histograms merged exactly; at most the level\'s connections.' }),
    jitter: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .meta({ description: 'Mode `rate`: uniform jitter of send times as a fraction of the interval (0: evenly spaced).' }),
    schedulerLagLimit: duration('Mode `rate`: a trial whose loader noticed due requests later than this at P99 is invalid (its own delay would be in the latency). Raise it on noisy shared machines.', HARD_CEILINGS.timeoutMs).default(VALIDITY_DEFAULTS.schedulerLagLimit),
    errorBudget: z
      .number()
      .min(0)
      .max(1)
      .default(VALIDITY_DEFAULTS.errorBudget)
      .meta({ description: 'Largest fraction of failed requests (non-2xx and errors) before a trial is flagged invalid.' }),
  })
  .meta({ description: 'How load is driven at the target.' });

/** "50MiB", "100MB" (10^6 bytes), "1.5GiB". */
export const MEMORY_PATTERN = /^(\d+(?:\.\d+)?)(B|KB|KiB|MB|MiB|GB|GiB)$/;

const range = <T extends z.ZodType>(item: T, description: string) => z.tuple([item, item]).meta({ description });
const memory = z.string().regex(MEMORY_PATTERN).meta({ examples: ['50MiB', '100MB'] });

export const ExpectationSchema = z
  .strictObject({
    source: z.string().max(500).optional().meta({ description: 'Where the claim comes from, shown beside it.' }),
    p50Added: range(z.string().regex(DURATION_PATTERN), 'P50 latency added over `none`: [low, high], e.g. [2ms, 5ms].').optional(),
    p99Added: range(z.string().regex(DURATION_PATTERN), 'P99 latency added over `none`: [low, high].').optional(),
    sidecarMemory: range(memory, 'Memory of the sidecar of one pod: [low, high], e.g. [50MiB, 100MiB].').optional(),
    sidecarCpu: range(z.number().min(0).max(64), 'CPU of the sidecar of one pod, in cores: [low, high], e.g. [0.05, 0.1].').optional(),
  })
  .meta({ description: 'Claimed ranges for one mesh; each is checked against the measurement at every load level.' });

export const ScenarioSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'JSON Schema reference for editors; ignored.' }),
    name: printable(z.string().min(1).max(200)).meta({ description: 'Names the run and its results folder; no control characters.' }),
    description: printable(z.string().max(10_000), true).optional(),
    platform: z
      .enum(PLATFORM_NAMES)
      .default('local')
      .meta({ description: 'Where the trial runs. `local`: processes and sidecar proxies (Envoy by default, see `local.sidecar`) on this machine. `external`: load `target`, deploy nothing.' }),
    target: z
      .url({ protocol: /^https?$/ })
      .optional()
      .meta({ description: 'Platform `external`: the URL to load, e.g. http://127.0.0.1:8080/ (an ingress, a staging service).' }),
    workload: WorkloadSchema.default({ protocol: 'http1', payloadBytes: 1024, serviceDelay: '0ms', errorRate: 0, faults: [] }),
    meshes: z
      .array(z.union([z.enum(MESH_NAMES), z.string().regex(CUSTOM_MESH_NAME)]))
      .min(1)
      .optional()
      .meta({ description: 'Meshes to compare, built in or defined under `customMeshes`; `none` is the baseline that overhead is measured against. Default: [none, istio, appmesh]; [none] with platform `external`.' }),
    customMeshes: z
      .record(z.string().regex(CUSTOM_MESH_NAME), CustomMeshSchema)
      .default({})
      .meta({ description: 'Meshes defined by the scenario, by name; list a name in `meshes` to use it.' }),
    load: LoadSchema.default({
      mode: 'max',
      engine: 'meshbench',
      connections: 4,
      streamsPerConnection: 1,
      duration: '10s',
      warmup: '2s',
      timeout: '10s',
      workers: 1,
      pods: 1,
      jitter: 0,
      schedulerLagLimit: VALIDITY_DEFAULTS.schedulerLagLimit,
      errorBudget: VALIDITY_DEFAULTS.errorBudget,
    }),
    local: z
      .strictObject({
        layout: z
          .enum(['auto', 'netns', 'loopback'])
          .default('auto')
          .meta({ description: 'How the pods are laid out. `netns`: each pod a network namespace, the loader on one node and the workload on another, joined by a veth pair (needs root, or CAP_NET_ADMIN and CAP_SYS_ADMIN; sidecars capture traffic with iptables as istio-init does; istio-ambient runs the real ztunnel). `loopback`: processes on 127.0.0.1. `auto`: netns when this process can create namespaces, else loopback.' }),
        sidecar: z
          .enum(LOCAL_SIDECARS)
          .default('envoy')
          .meta({ description: 'The proxy beside each pod of `istio` and `appmesh`. `envoy`: Envoy 1.40 with each mesh\'s own defaults (installed by ./scripts/setup.sh; see docs/local-envoy.md). `haproxy`: the HAProxy stand-ins of results before Envoy, to compare with them. The proxy that ran is recorded in the result\'s environment.' }),
        control: z
          .enum(LOCAL_CONTROLS)
          .default('static')
          .meta({ description: 'What configures `istio`\'s Envoy sidecars. `static`: a bootstrap with Istio\'s defaults that meshbench writes. `istiod`: Istio\'s own control plane (istiod 1.31-dev from `./scripts/istio.sh build`, on the API tier of `./scripts/k8s-tier.sh build`) pushes their config through pilot-agent, as in a cluster; needs `sidecar: envoy` and the netns layout (see docs/local-envoy.md). Other meshes ignore it.' }),
      })
      .default({ layout: 'auto', sidecar: 'envoy', control: 'static' })
      .meta({ description: 'Platform `local`: where its pods live. The layout used is recorded in the result; results of different layouts do not compare.' }),
    kubernetes: z
      .strictObject({
        images: z
          .strictObject({
            workload: z.string().min(1).default(DEFAULT_WORKLOAD_IMAGE).meta({ description: 'Image of the workload (default: the Fortio server, the workload of Istio\'s own benchmarks). Any reference the nodes can pull; name@sha256:DIGEST pins it. A tag from a registry is pinned after the first trial to the digest its node pulled, so that every later trial runs the same image.' }),
            loader: z.string().min(1).default('node:24-alpine').meta({ description: 'Image the load Job runs meshbench\'s engine on (any image with Node >= 22.19 as `node`); set it to a mirror in air-gapped clusters. Pinned like `workload`.' }),
          })
          .default({ workload: DEFAULT_WORKLOAD_IMAGE, loader: 'node:24-alpine' })
          .meta({ description: 'The images the trial\'s pods run. The result records each with the digest that ran.' }),
        namespacePrefix: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).max(24).default('meshbench').meta({ description: 'Namespaces are named PREFIX-MESH-RUNID.' }),
        mtls: z.boolean().default(true).meta({ description: 'Mutual TLS between the workload and the load generator (Istio PeerAuthentication STRICT, App Mesh TLS per virtual node).' }),
        placement: z.enum(PLACEMENTS).default('both').meta({ description: 'Sidecars on both pods, on the workload only (server-only), or on none (baseline), as Istio\'s benchmark varies it.' }),
        nodeSelector: z.record(z.string(), z.string()).optional().meta({ description: 'Node labels the workload must run on.' }),
        loadgenNodeSelector: z.record(z.string(), z.string()).optional().meta({ description: 'Node labels the load generator must run on (it is also kept off the workload\'s node).' }),
        loaderStartLead: duration('Time from creating the load Job to its pods\' common start: scheduling and a cold pull of the loader image. A pod not running by then fails the trial.', HARD_CEILINGS.timeoutMs).default('45s'),
        readyTimeout: duration('How long a trial\'s pods may take to be ready (scheduling, image pulls on fresh nodes, a sidecar\'s start) before the trial fails.', HARD_CEILINGS.warmupMs).default('5m'),
        teardownTimeout: duration('How long a trial\'s namespace may take to go (finalizers, pods\' grace periods) before the run says what is left.', HARD_CEILINGS.warmupMs).default('3m'),
        clusterDomain: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/).max(253).optional().meta({ description: 'The cluster\'s DNS domain, in the workload\'s address (workload.NAMESPACE.svc.DOMAIN). Default: what the kubelets say (their clusterDomain), else cluster.local.' }),
        istio: z
          .strictObject({
            revision: z.string().optional().meta({ description: 'Control-plane revision (istio.io/rev); default: the istio-injection label.' }),
            concurrency: z.number().int().min(1).max(64).default(2).meta({ description: 'Proxy worker threads (proxy.istio.io/config concurrency); Istio\'s default is 2.' }),
            waypoint: z.boolean().default(false).meta({ description: 'istio-ambient: add a waypoint proxy (L7) for the namespace.' }),
            nativeSidecars: z.boolean().optional().meta({ description: 'istio: inject the proxy as a native sidecar (an init container with restartPolicy Always; true) or as a classic container (false), by the pod annotation sidecar.istio.io/nativeSidecar. Unset: the control plane\'s default (ENABLE_NATIVE_SIDECARS, on from Istio 1.27). The result records which ran.' }),
            proxyResources: z
              .strictObject({
                cpu: z.string().optional().meta({ description: 'sidecar.istio.io/proxyCPU, e.g. "100m"' }),
                memory: z.string().optional().meta({ description: 'sidecar.istio.io/proxyMemory, e.g. "128Mi"' }),
                cpuLimit: z.string().optional().meta({ description: 'sidecar.istio.io/proxyCPULimit' }),
                memoryLimit: z.string().optional().meta({ description: 'sidecar.istio.io/proxyMemoryLimit' }),
              })
              .default({})
              .meta({ description: 'Sidecar requests and limits; unset ones keep the mesh defaults.' }),
          })
          .default({ concurrency: 2, waypoint: false, proxyResources: {} }),
        appmesh: z
          .strictObject({
            router: z.boolean().default(false).meta({ description: 'Route through a VirtualRouter and a weighted Route (as a canary split would) instead of the VirtualService pointing at the VirtualNode.' }),
          })
          .default({ router: false }),
      })
      .default({ images: { workload: DEFAULT_WORKLOAD_IMAGE, loader: 'node:24-alpine' }, namespacePrefix: 'meshbench', mtls: true, placement: 'both', loaderStartLead: '45s', readyTimeout: '5m', teardownTimeout: '3m', istio: { concurrency: 2, waypoint: false, proxyResources: {} }, appmesh: { router: false } })
      .meta({ description: 'Platform `kubernetes`: how each trial is rendered (see `bench render`).' }),
    resources: z
      .strictObject({
        sampleInterval: duration('How often memory (and per-interval CPU) is sampled; CPU over the window comes from cumulative counters either way.', HARD_CEILINGS.sampleIntervalMs).default('1s'),
      })
      .default({ sampleInterval: '1s' })
      .meta({ description: 'CPU and memory collection over each measured window.' }),
    gates: z
      .array(printable(z.string().max(200)))
      .default([])
      .meta({
        description: 'Gates. Against a baseline (`bench compare`, `bench run --baseline`): "p99 < +10%", "istio:p50 < +0.2ms", "rps > -5%". Between two meshes of the run, judged by every `bench run`: "istio:p99 < appmesh:p99 * 1.10", "istio:sidecar_cpu < appmesh:sidecar_cpu + 0.05", "istio-ambient:p50 < istio:p50".',
        examples: [['p50 < +10%', 'p99 < +10%', 'rps > -5%'], ['istio:p99 < appmesh:p99 * 1.10']],
      }),
    expectations: z
      .record(z.string().regex(CUSTOM_MESH_NAME), ExpectationSchema)
      .default({})
      .meta({ description: 'What someone claims each mesh adds over `none` (a vendor comparison, a blog post): the reports show claimed beside measured and flag a measurement outside the claimed range.' }),
    repetitions: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(3)
      .meta({ description: 'Trials per mesh and load level, interleaved across meshes.' }),
    output: z.string().min(1).default('results').meta({ description: 'Folder that receives one results folder per run, relative to the working directory.' }),
  })
  .meta({
    title: 'meshbench scenario',
    description: 'What to deploy, which meshes to compare and how to load them.',
  });

/** The scenario as written, with schema defaults filled in. */
export type ScenarioInput = z.output<typeof ScenarioSchema>;

/** JSON Schema of the scenario file, for editors (`# yaml-language-server: $schema=...`). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ScenarioSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}
