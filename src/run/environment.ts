import { cpus, hostname, platform, release, totalmem, type } from 'node:os';
import type { Environment, Layout } from '../results/model.ts';

/** The machine and what ran on it: part of the result, since figures depend on both. */
export function describeEnvironment(platformName: string, layout: Layout, components: Readonly<Record<string, string>>, caveats: readonly string[] = []): Environment {
  return {
    platform: platformName,
    layout,
    hostname: hostname(),
    os: `${type()} ${platform()}`,
    kernel: release(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus().length,
    memoryBytes: totalmem(),
    node: process.version,
    components: { ...components },
    caveats: [...caveats],
  };
}
