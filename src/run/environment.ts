import { cpus, hostname, platform, release, totalmem, type } from 'node:os';
import type { Environment } from '../results/model.ts';

export function describeEnvironment(platformName: string, haproxyVersion: string | null): Environment {
  return {
    platform: platformName,
    hostname: hostname(),
    os: `${type()} ${platform()}`,
    kernel: release(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus().length,
    memoryBytes: totalmem(),
    node: process.version,
    haproxyVersion,
  };
}
