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
