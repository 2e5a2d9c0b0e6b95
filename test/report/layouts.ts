/**
 * Three runs whose report pages have the widest tables meshbench writes: http-basic (3 meshes),
 * the migration scenario (4 meshes, 3 rates, gates and claims) and a 5-mesh run. Figures vary by
 * repetition, so every "added" cell carries its full interval text, as in a real run.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { ResourceUsage } from '../../src/collectors/types.ts';
import type { RunResult } from '../../src/results/model.ts';
import { repoRoot } from '../helpers.ts';
import { fakeRun } from '../fakes/results.ts';

const ADDED_US: Record<string, number> = { none: 0, istio: 236, appmesh: 190, 'istio-ambient': 95, linkerd: 140 };

function usage(pod: string, container: string, role: ResourceUsage['role'], cpuCores: number, memoryBytes: number): ResourceUsage {
  return { pod, container, role, cpuCores, cpuCoresMax: cpuCores * 1.5, memoryBytesAvg: memoryBytes, memoryBytesMax: memoryBytes * 1.1, samples: 10, windowMs: 5000 };
}

function resources(mesh: string, rep: number): ResourceUsage[] {
  const r: ResourceUsage[] = [usage('workload', 'app', 'app', 0.12 + rep * 0.01, 48e6), usage('loadgen', 'loadgen', 'loadgen', 0.3, 90e6)];
  if (mesh === 'istio-ambient') r.push(usage('node-0', 'ztunnel', 'node-proxy', 0.05 + rep * 0.002, 30e6));
  else if (mesh !== 'none') for (const pod of ['workload', 'loadgen']) r.push(usage(pod, `${mesh}-proxy`, 'sidecar', 0.081 + rep * 0.004, 61e6 + rep * 1e6));
  return r;
}

/** Latencies whose P50 and P99 grow with the mesh's added cost, with a repetition's own noise. */
function latencies(mesh: string, rep: number): number[] {
  const base = 420 + ADDED_US[mesh]! + rep * 17;
  return Array.from({ length: 2000 }, (_, i) => (i < 1960 ? base + (i % 97) : base * 2 + (i - 1960) * 25));
}

/** The labels the local platform gives: sidecar meshes are HAProxy stand-ins, ambient is the real ztunnel. */
function label(mesh: string): string {
  if (mesh === 'none') return 'none (no sidecars)';
  if (mesh === 'istio-ambient') return 'istio-ambient (ztunnel 1.30.3, one per node)';
  return `${mesh} (local emulation: HAProxy 2.6 sidecars, mTLS, 2 threads)`;
}

function run(overrides: Record<string, unknown>): RunResult {
  const result = fakeRun((mesh, rep) => ({ latenciesUs: latencies(mesh, rep), achievedRps: 999 - rep, resources: resources(mesh, rep) }), overrides);
  for (const t of result.trials) if (t.status === 'valid' || t.status === 'invalid') t.meshLabel = label(t.trial.mesh);
  return result;
}

function scenarioFile(name: string): Record<string, unknown> {
  return parse(readFileSync(`${repoRoot}scenarios/${name}.yaml`, 'utf8')) as Record<string, unknown>;
}

export const layouts: { name: string; result: () => RunResult }[] = [
  { name: 'http-basic', result: () => run(scenarioFile('http-basic')) },
  { name: 'migrate-appmesh-to-istio', result: () => run(scenarioFile('migrate-appmesh-to-istio')) },
  { name: 'five-meshes', result: () => run({ name: 'five meshes', meshes: ['none', 'istio', 'istio-ambient', 'appmesh', 'linkerd'], load: { mode: 'rate', rate: 1000, connections: 4 } }) },
];
