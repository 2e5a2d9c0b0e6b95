/**
 * A trial's live counts on their way to the progress display: from an engine in this process, from
 * a loader process's stderr (decoded by load/, never by the platform), and not at all from a
 * loader that cannot tell them as it runs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeLiveLine } from '../../src/load/live.ts';
import { encodeResultLine } from '../../src/load/result-line.ts';
import type { LiveLoad, LoadOutcome, LoadPhase } from '../../src/load/types.ts';
import { loopbackLoader } from '../../src/platforms/local/process-loader.ts';
import type { Deployment, RemoteLoad } from '../../src/platforms/types.ts';
import { createLatencyHistogram } from '../../src/results/histogram.ts';
import { executeRun } from '../../src/run/orchestrator.ts';
import { runLoadStage } from '../../src/run/load-stage.ts';
import type { ProgressSink } from '../../src/run/progress.ts';
import { expandPlan } from '../../src/scenario/plan.ts';
import { resolveScenario } from '../../src/scenario/resolve.ts';
import { ScenarioSchema } from '../../src/scenario/schema.ts';
import { startHoldingTarget } from '../load/holding-target.ts';
import { FakeEngine } from '../fakes/engine.ts';
import { FakePlatform } from '../fakes/platform.ts';

test('the orchestrator hands each tick to the progress sink, while the trial is measuring', async () => {
  const scenario = resolveScenario(ScenarioSchema.parse({ name: 'live', repetitions: 1, meshes: ['none'] }));
  const seen: string[] = [];
  const progress: ProgressSink = {
    runStarted: () => {},
    trialStage: (t, stage) => seen.push(`${t.index} ${stage}`),
    trialLoad: (live) => seen.push(`tick ${live.responses2xx} ${live.failed} ${live.elapsedMs}`),
    trialFinished: (r) => seen.push(`${r.trial.index} ${r.status}`),
    runFinished: () => {},
  };
  const environment = { platform: 'fake', layout: 'loopback' as const, hostname: 'h', os: 'o', kernel: 'k', cpuModel: 'c', cpuCount: 2, memoryBytes: 1, node: 'v', components: {}, caveats: [] };
  const trials = expandPlan(scenario);
  await executeRun({ runId: 'r', meshbenchVersion: 't', startedAt: new Date(), scenarioFile: 'x.yaml', scenarioHash: 'h', scenario, trials, estimatedMs: 0, environment, platform: new FakePlatform(), engine: new FakeEngine(), collectors: [], progress, persist: async () => {}, signal: new AbortController().signal });
  assert.equal(seen, ['0 deploy', '0 warmup', '0 measure', 'tick 40 1 400', '0 drain', '0 teardown', '0 valid']);
});

function outcome(): LoadOutcome {
  const h = createLatencyHistogram();
  return { engine: 'e', ok: h, non2xx: createLatencyHistogram(), error: createLatencyHistogram(), uncorrected: null, schedulerLag: null, errorsByClass: { timeout: 0, refused: 0, reset: 0, other: 0 }, durationMs: 1_000, targetRps: null, achievedRps: 0, sentRps: 0, scheduledRequests: 0, loaderSaturated: false };
}

const spec = { connections: 2, targetRps: 200, warmupMs: 200, durationMs: 1_500, timeoutMs: 1_000 };

function remote(run: RemoteLoad): Deployment {
  return { meshLabel: 'none (test)', containers: [], load: { where: 'remote', targetUrl: new URL('http://127.0.0.1:9/'), run } };
}

test('a remote loader\'s stderr lines: load/ decodes the live ones, the rest are not ticks', async () => {
  const told: LiveLoad[] = [];
  const live = { responses2xx: 300, failed: 2, elapsedMs: 1_500 };
  const deployment = remote(async (ctx) => {
    ctx.watch([]);
    for (const line of ['meshbench load pod 0/1: measure at 2026-12-07T16:00:00.000Z', encodeLiveLine({ index: 0, count: 1 }, live), 'something else entirely']) ctx.loaderLine(line);
    const o = ctx.decode(encodeResultLine(outcome(), { index: 0, count: 1 }, { startEpochMs: 0, endEpochMs: 1_000 }));
    return { merged: ctx.merge([o]), perLoader: [o] };
  });
  await runLoadStage(deployment, { spec, engine: new FakeEngine(), collectors: [], signal: new AbortController().signal, onPhase: () => {}, onLive: (l) => told.push(l) });
  assert.equal(told, [live]);
  // A run/ that wants no ticks still reads the loader: its lines are dropped, not an error.
  await runLoadStage(deployment, { spec, engine: new FakeEngine(), collectors: [], signal: new AbortController().signal, onPhase: () => {} });
});

test('the loopback layout\'s loader process: its window\'s counts arrive while it runs, growing, and end below its outcome', async () => {
  const target = await startHoldingTarget(() => true);
  const loader = loopbackLoader({
    load: { mode: 'rate', warmupMs: spec.warmupMs, durationMs: spec.durationMs, timeoutMs: spec.timeoutMs },
    target: target.url,
    connections: spec.connections,
    targetRps: spec.targetRps,
    entry: undefined,
    settingsFile: join(mkdtempSync(join(tmpdir(), 'meshbench-live-')), 'load.json'),
    runId: `live-progress-${process.pid}`,
    containers: [],
  });
  const told: { live: LiveLoad; phase: LoadPhase | undefined }[] = [];
  let phase: LoadPhase | undefined;
  try {
    const r = await runLoadStage(remote(loader.run), { spec, engine: new FakeEngine(), collectors: [], signal: new AbortController().signal, onPhase: (p) => (phase = p), onLive: (live) => told.push({ live, phase }) });
    assert.ok(told.length >= 3, `${told.length} ticks in a 1.5 s window`);
    assert.ok(told.every((t) => t.phase === 'measure'), told.map((t) => t.phase).join(', '));
    const counts = told.map((t) => t.live.responses2xx);
    assert.ok(counts.every((c, i) => i === 0 || c > counts[i - 1]!), `not growing: ${counts.join(', ')}`);
    assert.ok(counts.at(-1)! <= r.outcome.ok.totalCount, `${counts.at(-1)} told, ${r.outcome.ok.totalCount} in the outcome`);
  } finally {
    await loader.stop();
    await target.close();
  }
});

test.run();
