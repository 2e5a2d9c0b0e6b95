/**
 * Monthly cost of the measured sidecar overhead for a fleet of pods. The sidecar of a pod is the
 * median over valid repetitions of the measured sidecars' per-pod CPU and memory (each meshed pod
 * has one, handling its inbound and outbound traffic), at the load level measured.
 */
import type { RunSummary } from './summary.ts';

export const HOURS_PER_MONTH = 730;

export interface CostAssumptions {
  /** Meshed pods the estimate is for. */
  pods: number;
  usdPerVcpuHour: number;
  usdPerGibHour: number;
}

/**
 * AWS Fargate Linux/x86 on-demand list prices for us-east-1 as the author knew them ($ per vCPU-hour,
 * $ per GB-hour, applied per GiB): not checked against today's price list. Pass your own with
 * --usd-per-vcpu-hour and --usd-per-gib-hour; the reports state what they used.
 */
export const DEFAULT_COST: CostAssumptions = { pods: 100, usdPerVcpuHour: 0.04048, usdPerGibHour: 0.004445 };

export interface CostLine {
  mesh: string;
  level: string;
  sidecarCoresPerPod: number;
  sidecarGibPerPod: number;
  usdPerMonth: number;
}

export function estimateCost(summary: RunSummary, a: CostAssumptions): CostLine[] {
  return summary.cells.flatMap((c) => {
    const cores = c.figures.sidecar_cpu_per_pod;
    const bytes = c.figures.sidecar_mem_per_pod;
    if (c.isBaseline || !cores || !bytes) return [];
    const gib = bytes.median / 1024 ** 3;
    const usdPerMonth = a.pods * HOURS_PER_MONTH * (cores.median * a.usdPerVcpuHour + gib * a.usdPerGibHour);
    return [{ mesh: c.mesh, level: c.level.id, sidecarCoresPerPod: cores.median, sidecarGibPerPod: gib, usdPerMonth }];
  });
}
