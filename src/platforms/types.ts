/** The stage that puts a mesh and the workload somewhere and tells the loader where to aim. */
import type { MeshAdapter } from '../meshes/index.ts';
import type { ResolvedScenario } from '../scenario/resolve.ts';
import type { Trial } from '../scenario/plan.ts';

export const CONTAINER_ROLES = ['app', 'sidecar', 'node-proxy', 'waypoint', 'loadgen'] as const;
export type ContainerRole = (typeof CONTAINER_ROLES)[number];

/** One container whose resources are watched; on the local platform it is a process. */
export interface WatchedContainer {
  pod: string;
  container: string;
  role: ContainerRole;
  /** Local platform: the process id. */
  pid?: number;
}

export interface DeployRequest {
  trial: Trial;
  mesh: MeshAdapter;
  workload: ResolvedScenario['workload'];
}

export interface Deployment {
  targetUrl: URL;
  /** How the mesh was realised, named in every output, e.g. "istio (local emulation: ...)". */
  meshLabel: string;
  containers: WatchedContainer[];
}

export interface Platform {
  readonly name: string;
  /** Resolves when the target answers; the signal aborts the wait and tears down what started. */
  deploy(req: DeployRequest, signal: AbortSignal): Promise<Deployment>;
  /** Idempotent; removes only what this platform created. */
  teardown(d: Deployment): Promise<void>;
  /** Ends the run: tears down anything left and removes run-wide files. Idempotent. */
  close(): Promise<void>;
}
