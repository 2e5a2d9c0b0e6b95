/**
 * A deployment that reports a dead process (Deployment.lost): the orchestrator stops the trial's
 * load at once and records the trial as failed with that cause, then goes on. With fakes, so the
 * ordering is exact; test/e2e/process-death.test.ts kills real processes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RunError } from '../../src/errors.ts';
import type { Deployment, DeployRequest } from '../../src/platforms/types.ts';
import { executeRun } from '../../src/run/orchestrator.ts';
import { silentProgress } from '../../src/run/progress.ts';
import { expandPlan } from '../../src/scenario/plan.ts';
import { resolveScenario } from '../../src/scenario/resolve.ts';
import { ScenarioSchema } from '../../src/scenario/schema.ts';
import { FakeEngine } from '../fakes/engine.ts';
import { FakePlatform } from '../fakes/platform.ts';

/** Deployments that can lose a process: `lose(i)` kills trial i's "sidecar". */
class LosingPlatform extends FakePlatform {
  readonly controllers = new Map<number, AbortController>();

  override async deploy(req: DeployRequest, signal: AbortSignal): Promise<Deployment> {
    const d = await super.deploy(req, signal);
    const lost = new AbortController();
    this.controllers.set(req.trial.index, lost);
    return { ...d, lost: lost.signal };
  }

  lose(index: number): void {
    this.controllers.get(index)!.abort(new RunError({ what: 'sidecar-inbound-t1 exited with signal SIGKILL', where: 'sidecar-inbound-t1' }));
  }
}

function setup() {
  const scenario = resolveScenario(ScenarioSchema.parse({ name: 'losing', repetitions: 1 }));
  const platform = new LosingPlatform();
  const engine = new FakeEngine();
  const controller = new AbortController();
  const options = {
    runId: 'r', meshbenchVersion: 't', startedAt: new Date(), scenarioFile: 'x.yaml', scenarioHash: 'h', scenario, trials: expandPlan(scenario), estimatedMs: 0,
    environment: { platform: 'fake', layout: 'loopback' as const, hostname: 'h', os: 'o', kernel: 'k', cpuModel: 'c', cpuCount: 2, memoryBytes: 1, node: 'v', components: {}, caveats: [] },
    platform, engine, collectors: [], progress: silentProgress, persist: async () => {}, signal: controller.signal,
  };
  return { options, platform, engine, controller };
}

test('a process lost mid-load fails the trial in its stage with the cause, tears down, and the run goes on', async () => {
  const { options, platform, engine } = setup();
  engine.behaviour.set(1, 'hang');
  engine.onHang = () => platform.lose(1);
  const result = await executeRun(options);
  assert.equal(result.trials.map((t) => t.status), ['valid', 'failed', 'valid']);
  const failed = result.trials[1]!;
  assert.ok(failed.status === 'failed' && failed.stage === 'measure');
  if (failed.status !== 'failed') return;
  assert.equal(failed.error, { what: 'sidecar-inbound-t1 exited with signal SIGKILL', where: 'sidecar-inbound-t1', fix: null });
  assert.equal(platform.calls.slice(2, 4), ['deploy 1 istio', 'teardown 1']);
  assert.is(result.status, 'failed');
});

test('Ctrl-C wins over a process that dies of it: the trial is aborted, not failed', async () => {
  const { options, platform, engine, controller } = setup();
  engine.behaviour.set(0, 'hang');
  engine.onHang = () => {
    controller.abort(new Error('interrupted by SIGTERM'));
    platform.lose(0);
  };
  const result = await executeRun(options);
  assert.equal(result.trials.map((t) => t.status), ['aborted']);
  assert.is(result.status, 'interrupted');
});

test.run();
