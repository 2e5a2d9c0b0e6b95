/** Resource figures of one trial with several load pods (issue 24, item 17). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ResourceUsage } from '../../src/collectors/types.ts';
import { trialMetric } from '../../src/results/metrics.ts';
import { busiestLoaderCpuCores, sidecarCpuCoresPerPod } from '../../src/results/resources.ts';
import { fakeRun } from '../fakes/results.ts';

const usage = (pod: string, container: string, role: ResourceUsage['role'], cpuCores: number): ResourceUsage => ({ pod, container, role, cpuCores, cpuCoresMax: cpuCores, memoryBytesAvg: 50 << 20, memoryBytesMax: 60 << 20, samples: 10, windowMs: 10_000 });

/** The workload's sidecar carries all the traffic; each of `n` load pods' sidecars 1/n of it. */
function meshedPods(n: number): ResourceUsage[] {
  const loadPods = Array.from({ length: n }, (_, i) => [usage(`loadgen-${i}`, 'loadgen', 'loadgen', 0.3), usage(`loadgen-${i}`, 'istio-proxy', 'sidecar', 0.4 / n)]);
  return [usage('workload', 'app', 'app', 0.5), usage('workload', 'istio-proxy', 'sidecar', 0.4), ...loadPods.flat()];
}

const perPodOf = (resources: ResourceUsage[]) => {
  const run = fakeRun(() => ({ latenciesUs: [100], achievedRps: 1000, resources }), { repetitions: 1 });
  const t = run.trials[0]!;
  assert.ok(t.status === 'valid');
  return t.status === 'valid' ? trialMetric(t, 'sidecar_cpu_per_pod') : null;
};

test('sidecar CPU per pod does not shrink as load pods are added: the load pods\' sidecars are one outbound side together', () => {
  // One pod's worth of inbound (0.4) and of outbound (0.4 over all load pods): 0.4 per pod.
  for (const n of [1, 2, 4]) {
    const perPod = perPodOf(meshedPods(n))!;
    // Dividing by N + 1 sidecars gave 0.4, 0.267, 0.16.
    assert.ok(Math.abs(perPod - 0.4) < 1e-12, `${n} load pods: ${perPod} cores per pod`);
  }
});

test('with only the workload meshed, sidecar CPU per pod is that sidecar\'s; memory per pod stays per sidecar', () => {
  assert.is(sidecarCpuCoresPerPod([usage('workload', 'istio-proxy', 'sidecar', 0.3), usage('loadgen-0', 'loadgen', 'loadgen', 0.2)]), 0.3);
  assert.is(sidecarCpuCoresPerPod([usage('workload', 'app', 'app', 0.3)]), null);
  const run = fakeRun(() => ({ latenciesUs: [100], achievedRps: 1000, resources: meshedPods(4) }), { repetitions: 1 });
  const t = run.trials[0]!;
  assert.is(t.status === 'valid' && trialMetric(t, 'sidecar_mem_per_pod'), 50 << 20);
});

test('the saturation rule reads the busiest load generator, not the first one listed', () => {
  assert.is(busiestLoaderCpuCores([usage('loadgen-0', 'loadgen', 'loadgen', 0.2), usage('loadgen-1', 'loadgen', 'loadgen', 0.95), usage('workload', 'app', 'app', 1.5)]), 0.95);
  assert.is(busiestLoaderCpuCores([usage('workload', 'app', 'app', 1.5)]), null);
});

test.run();
