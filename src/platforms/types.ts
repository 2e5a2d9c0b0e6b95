/** The stage that puts a mesh and the workload somewhere and tells the loader where to aim. */
import type { MeshAdapter } from '../meshes/index.ts';
import type { ResolvedScenario } from '../scenario/resolve.ts';
import type { Trial } from '../scenario/plan.ts';

export const CONTAINER_ROLES = ['app', 'sidecar', 'node-proxy', 'waypoint', 'loadgen'] as const;
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
 * Where the load comes from. `in-process`: an engine in this process loads `targetUrl`. A
 * platform whose loader runs elsewhere (an in-cluster Job) adds its own variant.
 */
export type LoadPlacement = { where: 'in-process'; targetUrl: URL };

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
