/**
 * A platform whose loader runs elsewhere hands back raw result lines; run/ decodes them with
 * load/, merges several loaders exactly, and collects resources over the loaders' window.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeResultLine } from '../../src/load/result-line.ts';
import { emptyErrorCounts, type LoadOutcome } from '../../src/load/types.ts';
import type { Deployment, WatchedContainer } from '../../src/platforms/types.ts';
import { createLatencyHistogram, recordLatencyUs } from '../../src/results/histogram.ts';
import { runLoadStage } from '../../src/run/load-stage.ts';
import { FakeCollector } from '../fakes/collector.ts';
import { FakeEngine } from '../fakes/engine.ts';

function outcome(latencyUs: number, n: number): LoadOutcome {
  const ok = createLatencyHistogram();
  for (let i = 0; i < n; i++) recordLatencyUs(ok, latencyUs);
  return { engine: 'meshbench open loop', ok, non2xx: createLatencyHistogram(), error: createLatencyHistogram(), uncorrected: createLatencyHistogram(), schedulerLag: createLatencyHistogram(), errorsByClass: emptyErrorCounts(), durationMs: 1000, targetRps: 200, achievedRps: n, sentRps: n, scheduledRequests: n, loaderSaturated: false };
}

test('two remote loaders: their result lines are decoded and merged bucket for bucket; the window is collected on their containers', async () => {
  const loaders: WatchedContainer[] = [0, 1].map((i) => ({ kind: 'kubernetes', pod: `loader-${i}`, container: 'loadgen', role: 'loadgen', namespace: 'ns', node: `n${i}` }));
  const log: string[] = [];
  const deployment: Deployment = {
    meshLabel: 'istio (fake)',
    containers: [{ kind: 'kubernetes', pod: 'workload-0', container: 'app', role: 'app', namespace: 'ns', node: 'n9' }],
    load: {
      where: 'remote',
      targetUrl: new URL('http://workload.ns:8080/'),
      run: async (ctx) => {
        const onPhase = ctx.watch(loaders);
        onPhase('warmup');
        onPhase('measure');
        onPhase('drain');
        const outputs = [`progress...\n${encodeResultLine(outcome(100, 100), { index: 0, count: 2 }, { startEpochMs: 0, endEpochMs: 1000 })}\n`, encodeResultLine(outcome(300, 100), { index: 1, count: 2 }, { startEpochMs: 0, endEpochMs: 1000 })];
        const perLoader = outputs.map((o) => ctx.decode(o));
        return { merged: ctx.merge(perLoader), perLoader };
      },
    },
  };
  const phases: string[] = [];
  const r = await runLoadStage(deployment, { spec: { connections: 4, targetRps: 200, warmupMs: 0, durationMs: 1000, timeoutMs: 1000 }, engine: new FakeEngine(), collectors: [new FakeCollector(log)], signal: new AbortController().signal, onPhase: (p) => phases.push(p) });
  assert.equal(phases, ['warmup', 'measure', 'drain']);
  assert.is(r.outcome.ok.totalCount, 200);
  assert.is(r.outcome.ok.getValueAtPercentile(25), 100);
  assert.is(r.outcome.ok.getValueAtPercentile(75), 300);
  assert.equal(r.resources.map((u) => u.pod), ['loader-0', 'loader-1'], 'the collectors watched the containers the loader reported');
  assert.equal(log, ['collect begin', 'collect end']);
});

test.run();
