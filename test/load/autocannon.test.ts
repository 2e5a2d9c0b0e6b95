import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AutocannonEngine } from '../../src/load/autocannon.ts';
import type { LoadPhase } from '../../src/load/types.ts';
import { mergeHistograms } from '../../src/results/histogram.ts';
import { createWorkloadServer } from '../../src/workload/service.ts';
import { startHoldingTarget } from './holding-target.ts';

async function start(errorRate: number, serviceDelayUs = 0): Promise<{ server: Server; url: URL }> {
  const server = createWorkloadServer({ payloadBytes: 100, serviceDelayUs, errorRate });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`) };
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

test('records µs latencies of the measured window only, non-2xx apart', async () => {
  const { server, url } = await start(0.1, 1_000);
  try {
    const phases: [LoadPhase, number][] = [];
    const t0 = performance.now();
    const outcome = await new AutocannonEngine().run(
      { connections: 2, targetRps: null, warmupMs: 300, durationMs: 600, timeoutMs: 5_000 },
      url,
      new AbortController().signal,
      (p) => phases.push([p, performance.now() - t0]),
    );
    assert.equal(phases.map(([p]) => p), ['warmup', 'measure', 'drain']);
    assert.ok(Math.abs(phases[2]![1] - phases[1]![1] - 600) < 50, `window ${phases[2]![1] - phases[1]![1]} ms between measure and drain`);
    assert.ok(phases[1]![1] >= 290, `measure began after ${phases[1]![1]} ms`);
    assert.ok(Math.abs(outcome.durationMs - 600) < 50, `window ${outcome.durationMs} ms`);
    const responses = outcome.ok.totalCount + outcome.non2xx.totalCount;
    // Two connections against a ~1 ms service: a few hundred to a couple of thousand responses.
    assert.ok(responses > 100, `${responses} responses`);
    // achieved: 2xx only; sent: every attempt.
    assert.ok(Math.abs(outcome.achievedRps - (outcome.ok.totalCount * 1000) / outcome.durationMs) < 1e-6);
    assert.ok(Math.abs(outcome.sentRps - (responses * 1000) / outcome.durationMs) < 1e-6);
    const failedShare = outcome.non2xx.totalCount / responses;
    assert.ok(failedShare > 0.07 && failedShare < 0.13, `non-2xx share ${failedShare}`);
    // A 1 ms service delay: latency in µs is above 1000, not 1 (ms) as autocannon would say.
    assert.ok(outcome.ok.getValueAtPercentile(50) >= 1_000, `p50 ${outcome.ok.getValueAtPercentile(50)} µs`);
    assert.ok(outcome.ok.getValueAtPercentile(50) < 50_000);
  } finally {
    await stop(server);
  }
});

test('errors are counted by class', async () => {
  const { server, url } = await start(0);
  await stop(server);
  const outcome = await new AutocannonEngine().run({ connections: 1, targetRps: null, warmupMs: 0, durationMs: 300, timeoutMs: 1_000 }, url, new AbortController().signal);
  assert.ok(outcome.errorsByClass.refused > 0, JSON.stringify(outcome.errorsByClass));
  assert.is(outcome.ok.totalCount, 0);
});

test('abort stops the load promptly and rejects with the reason', async () => {
  const { server, url } = await start(0);
  try {
    const controller = new AbortController();
    const t0 = performance.now();
    setTimeout(() => controller.abort(new Error('stop now')), 200);
    await new AutocannonEngine()
      .run({ connections: 2, targetRps: null, warmupMs: 100, durationMs: 10_000, timeoutMs: 5_000 }, url, controller.signal)
      .then(
        () => assert.unreachable('should reject'),
        (e: Error) => assert.is(e.message, 'stop now'),
      );
    assert.ok(performance.now() - t0 < 1_000, `stopped after ${performance.now() - t0} ms`);
  } finally {
    await stop(server);
  }
});

test('a timeout is timed from its request\'s send, so all-attempts percentiles see it: one failure time per counted error', async () => {
  // Every 10th request is never answered: its connection waits out autocannon's 1 s timeout.
  const target = await startHoldingTarget((n) => n % 10 !== 9);
  try {
    const outcome = await new AutocannonEngine().run({ connections: 2, targetRps: null, warmupMs: 0, durationMs: 2_500, timeoutMs: 1_000 }, target.url, new AbortController().signal);
    const errors = Object.values(outcome.errorsByClass).reduce((a, b) => a + b, 0);
    assert.ok(outcome.errorsByClass.timeout >= 2, JSON.stringify(outcome.errorsByClass));
    assert.is(outcome.error.totalCount, errors, 'every counted failure has a time');
    assert.ok(outcome.error.minNonZeroValue >= 990_000, `fastest timeout ${outcome.error.minNonZeroValue} µs`);
    assert.ok(outcome.error.maxValue < 1_500_000, `slowest timeout ${outcome.error.maxValue} µs`);
    const all = mergeHistograms([outcome.ok, outcome.non2xx, outcome.error]);
    assert.ok(all.maxValue >= 990_000, `all-attempts max ${all.maxValue} µs`);
  } finally {
    await target.close();
  }
});

test.run();
