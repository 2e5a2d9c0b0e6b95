/** Resource figures of one trial, by role and by pod, from its per-container usage. */
import type { ResourceUsage } from '../collectors/types.ts';
import type { ContainerRole } from '../platforms/types.ts';

export interface RoleFigures {
  cpuCores: number;
  cpuCoresMax: number;
  memoryBytesAvg: number;
  memoryBytesMax: number;
  containers: number;
}

/** Sums over the containers of one role (two sidecars count together). */
export function byRole(resources: readonly ResourceUsage[], role: ContainerRole): RoleFigures | null {
  const of = resources.filter((r) => r.role === role);
  if (of.length === 0) return null;
  const sum = (f: (r: ResourceUsage) => number) => of.reduce((total, r) => total + f(r), 0);
  return {
    cpuCores: sum((r) => r.cpuCores),
    // The sum of per-container maxima: an upper bound, as their peaks need not coincide.
    cpuCoresMax: sum((r) => r.cpuCoresMax),
    memoryBytesAvg: sum((r) => r.memoryBytesAvg),
    memoryBytesMax: sum((r) => r.memoryBytesMax),
    containers: of.length,
  };
}

/**
 * The busiest load generator's CPU, or null when none was measured. With several load pods each
 * loader is its own process with its own core's worth of work to do: one of them saturated is
 * enough to put its queueing in the latency, whatever the others did.
 */
export function busiestLoaderCpuCores(resources: readonly ResourceUsage[]): number | null {
  const loaders = resources.filter((r) => r.role === 'loadgen');
  return loaders.length ? Math.max(...loaders.map((r) => r.cpuCores)) : null;
}

/**
 * The sidecar CPU of one meshed pod at the measured load. The sidecars sit on two sides of the
 * traffic: the workload's pods (inbound) and, when the load generator is meshed, the load pods
 * (outbound). With N load pods each loader sidecar carries 1/N of the traffic, so together they
 * are one pod's outbound side: the total is divided by the sides (1 or 2), not by N + 1 sidecars,
 * which made the figure shrink as load pods were added.
 */
export function sidecarCpuCoresPerPod(resources: readonly ResourceUsage[]): number | null {
  const sidecars = resources.filter((r) => r.role === 'sidecar');
  if (sidecars.length === 0) return null;
  const loadPods = new Set(resources.filter((r) => r.role === 'loadgen').map((r) => r.pod));
  const outbound = sidecars.filter((r) => loadPods.has(r.pod));
  const inbound = sidecars.filter((r) => !loadPods.has(r.pod));
  // Several workload pods (replicas) would share the inbound side in the same way.
  const sides = (outbound.length > 0 ? 1 : 0) + (inbound.length > 0 ? 1 : 0);
  return sidecars.reduce((sum, r) => sum + r.cpuCores, 0) / sides;
}

export interface PodSidecar {
  pod: string;
  cpuCores: number;
  memoryBytesAvg: number;
}

/** The sidecar of each pod: what the mesh adds to that pod. */
export function sidecarsByPod(resources: readonly ResourceUsage[]): PodSidecar[] {
  return resources.filter((r) => r.role === 'sidecar').map((r) => ({ pod: r.pod, cpuCores: r.cpuCores, memoryBytesAvg: r.memoryBytesAvg }));
}

/** Cores per 1000 requests per second, the unit to size a fleet with. */
export function coresPerKrps(cpuCores: number, rps: number): number | null {
  return rps > 0 ? cpuCores / (rps / 1_000) : null;
}
