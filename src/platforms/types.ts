/** The stage that puts a mesh and the workload somewhere and tells the loader where to aim. */
import type { MeshAdapter } from '../meshes/index.ts';
import type { ResolvedScenario } from '../scenario/resolve.ts';
import type { Trial } from '../scenario/plan.ts';
import type { WorkloadTrust } from '../workload/protocol.ts';

// control-plane: the mesh's control plane (istiod), charged apart from the data plane.
export const CONTAINER_ROLES = ['app', 'sidecar', 'node-proxy', 'waypoint', 'loadgen', 'control-plane'] as const;
export type ContainerRole = (typeof CONTAINER_ROLES)[number];

interface ContainerBase {
  /** The pod it belongs to: a real pod name on Kubernetes, `workload`/`loadgen` locally. */
  pod: string;
  container: string;
  role: ContainerRole;
}

/** A container whose resources are watched: a process here, or a container in a cluster. */
export type WatchedContainer =
  | (ContainerBase & { kind: 'process'; pid: number })
  | (ContainerBase & { kind: 'kubernetes'; namespace: string; node: string });

export type ProcessContainer = Extract<WatchedContainer, { kind: 'process' }>;
export type KubernetesContainer = Extract<WatchedContainer, { kind: 'kubernetes' }>;

export interface DeployRequest {
  trial: Trial;
  mesh: MeshAdapter;
  workload: ResolvedScenario['workload'];
}

/**
 * Where the load comes from. `in-process`: an engine in this process loads `targetUrl`.
 * `remote`: the platform runs meshbench's own engine elsewhere (an in-cluster Job, a process in
 * the loader pod's network namespace) and hands its raw result lines back; run/ gives them to
 * load/ to decode and merge, so a platform never parses load results (DESIGN.md).
 */
export type LoadPlacement = ({ where: 'in-process'; targetUrl: URL; trust?: WorkloadTrust } | { where: 'remote'; targetUrl: URL; run: RemoteLoad }) & { checks?: LoadChecks };

/**
 * A data plane's own evidence that the load went through it (the sidecars' counters): read once
 * before the load starts, and checked once it has ended; a throw from `after` fails the trial.
 * (A loader pod in a network namespace runs such checks itself, around its own process.)
 */
export interface LoadChecks {
  before(): Promise<void>;
  after(): Promise<void>;
}

/** A loader's measured phases, as the engine names them. */
export type LoadWindowPhase = 'warmup' | 'measure' | 'drain';

export interface RemoteLoadContext<O> {
  signal: AbortSignal;
  /** load/'s decoder of one loader's output (its result line is the last JSON line). */
  decode(output: string): O;
  /** load/'s exact merge of several loaders' outcomes (histograms added, never percentiles averaged). */
  merge(parts: O[]): O;
  /**
   * Called once the loader's own containers are known (they are watched too, as `loadgen` and
   * its proxies): returns what to call at the window's edges, where run/ starts and ends the
   * resource collection.
   */
  watch(containers: WatchedContainer[]): (phase: LoadWindowPhase) => void;
  /**
   * Each line the loader says on stderr, as it comes: run/ has load/ read the window's live counts
   * from it. A platform that sees the loader's output only at the end (a cluster's log) never calls it.
   */
  loaderLine(line: string): void;
}

export interface RemoteLoadResult<O> {
  merged: O;
  /** Each loader's own outcome (its scheduler lag shows a saturated loader); one entry when one loader ran. */
  perLoader: O[];
}

export type RemoteLoad = <O>(ctx: RemoteLoadContext<O>) => Promise<RemoteLoadResult<O>>;

export interface Deployment {
  /** How the mesh was realised, named in every output, e.g. "istio (local emulation: ...)". */
  meshLabel: string;
  load: LoadPlacement;
  containers: WatchedContainer[];
  /**
   * Aborted when a process or container of the deployment ends on its own (a crash, an OOM kill,
   * someone's `kill -9`) before teardown; its reason is an error that names it, e.g. "workload
   * exited with signal SIGKILL". The orchestrator stops the trial's load at once and records the
   * trial as failed with that cause. A platform that cannot watch leaves it out.
   */
  lost?: AbortSignal;
}

export interface Platform {
  readonly name: string;
  /**
   * How its pods are laid out, recorded in the result's environment: `loopback` (processes on
   * 127.0.0.1), `netns` (pods as network namespaces, a node-to-node link between them) or
   * `cluster` (real nodes). Results of different layouts do not compare.
   */
  readonly layout: 'loopback' | 'netns' | 'cluster';
  /** Why this layout ("no network namespaces here: iptables is not installed; ..."), for the run's header and result. */
  readonly layoutReason?: string;
  /**
   * Versions of what this platform runs (cluster, mesh control plane, proxy image, HAProxy),
   * recorded in the result's environment.
   */
  readonly components: Readonly<Record<string, string>>;
  /** Resolves when the target answers; the signal aborts the wait and tears down what started. */
  deploy(req: DeployRequest, signal: AbortSignal): Promise<Deployment>;
  /** Idempotent; removes only what this platform created. */
  teardown(d: Deployment): Promise<void>;
  /** Ends the run: tears down anything left and removes run-wide files. Idempotent. */
  close(): Promise<void>;
}
