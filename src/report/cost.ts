/**
 * Monthly cost of the measured sidecar overhead, for a fleet of pods, from the figures of the
 * run. The sidecar of a pod is taken as the mean of the two measured sidecars (each pod in a mesh
 * has one, handling its inbound and outbound traffic), at the load level measured.
 */
import { byRole } from '../results/resources.ts';
import { validTrials, type RunResult } from '../results/model.ts';
import { spread } from '../results/overhead.ts';
import type { CostAssumptions } from './types.ts';

export const HOURS_PER_MONTH = 730;
/**
 * AWS Fargate Linux/x86 on-demand list prices for us-east-1 as the author knew them ($ per vCPU-hour,
 * $ per GB-hour, applied per GiB): not checked against today's price list. Pass your own with
 * --usd-per-vcpu-hour and --usd-per-gib-hour; the page states what it used.
 */
export const DEFAULT_COST: CostAssumptions = { pods: 100, usdPerVcpuHour: 0.04048, usdPerGibHour: 0.004445 };

export interface CostLine {
  mesh: string;
  level: string;
  sidecarCoresPerPod: number;
  sidecarGibPerPod: number;
  usdPerMonth: number;
}

export function estimateCost(result: RunResult, a: CostAssumptions): CostLine[] {
  const lines: CostLine[] = [];
  for (const level of result.levels) {
    for (const mesh of result.scenario.meshes) {
      if (mesh === 'none') continue;
      const perPod = validTrials(result, mesh, level.id).flatMap((t) => {
        const s = byRole(t.resources, 'sidecar');
        return s ? [{ cores: s.cpuCores / s.containers, gib: s.memoryBytesAvg / s.containers / 1024 ** 3 }] : [];
      });
      const cores = spread(perPod.map((p) => p.cores));
      const gib = spread(perPod.map((p) => p.gib));
      if (!cores || !gib) continue;
      const usdPerMonth = a.pods * HOURS_PER_MONTH * (cores.median * a.usdPerVcpuHour + gib.median * a.usdPerGibHour);
      lines.push({ mesh, level: level.id, sidecarCoresPerPod: cores.median, sidecarGibPerPod: gib.median, usdPerMonth });
    }
  }
  return lines;
}
