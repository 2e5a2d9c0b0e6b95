/**
 * meshbench killed outright (SIGKILL) in the middle of a sidecar trial in the netns layout (as
 * root): no hook of ours runs, the Envoy sidecars run with gid 1337 (which clears the parent-death signal),
 * and still nothing of the run is left: the trial's guard kills what is in its namespaces and
 * deletes them.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { processesWith } from '../helpers.ts';
import { currentResult, exitWithin, pidOf, reached, startBench, waitFor } from './fault-helpers.ts';
import { netnsLeft, netnsScenarioYaml } from './netns-helpers.ts';

test('SIGKILL of meshbench mid-trial: its gid-1337 sidecars, workload, loader and namespaces are gone soon after', async () => {
  const run = startBench(netnsScenarioYaml({ name: 'netns sigkill', meshes: '[none, istio]', duration: '4s' }));
  await waitFor('trial 1 on disk', () => (currentResult(run)?.trials.length ?? 0) >= 1, 60_000, run);
  const runId = currentResult(run)!.runId;
  assert.is(currentResult(run)!.environment.layout, 'netns');
  await waitFor('trial 2 measuring', () => reached(run, 2, 'measure'), 20_000, run);
  const sidecar = await waitFor('the workload pod\'s sidecar', () => pidOf(runId, 'sidecar-workload-t1'), 2_000, run);
  assert.match(readFileSync(`/proc/${sidecar}/status`, 'utf8'), /^Gid:\s+1337\s/m, 'the case under test: a sidecar whose gid changed to 1337');
  assert.ok(netnsLeft(runId).length >= 4, 'the trial\'s namespaces exist');
  run.child.kill('SIGKILL');
  const exit = await exitWithin(run, 5_000);
  assert.is(exit.code, null);
  // The guard wakes when meshbench's end of its pipe closes; give it a bounded moment (not a timing assertion).
  for (let i = 0; i < 100 && (processesWith(runId).length > 0 || netnsLeft(runId).length > 0); i++) await sleep(50);
  assert.equal(processesWith(runId), [], 'a process of the run outlived meshbench');
  assert.equal(netnsLeft(runId), [], 'namespaces of the run outlived meshbench');
});

test.run();
