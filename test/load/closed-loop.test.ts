/** meshbench's closed loop against a real workload server on loopback. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ClosedLoopEngine } from '../../src/load/closed-loop.ts';
import type { LoadOutcome, LoadPhase } from '../../src/load/types.ts';
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

const outcomes = (o: LoadOutcome) => o.ok.totalCount + o.non2xx.totalCount + Object.values(o.errorsByClass).reduce((a, b) => a + b, 0);

test('records µs latencies of the measured window only, non-2xx apart, every request sent in it accounted for', async () => {
  const { server, url } = await start(0.1, 1_000);
  try {
    const phases: LoadPhase[] = [];
    const outcome = await new ClosedLoopEngine().run({ connections: 2, targetRps: null, warmupMs: 300, durationMs: 600, timeoutMs: 5_000 }, url, new AbortController().signal, (p) => phases.push(p));
    assert.equal(phases, ['warmup', 'measure', 'drain']);
    const responses = outcome.ok.totalCount + outcome.non2xx.totalCount;
    // Two connections against a ~1 ms service: a few hundred to a couple of thousand responses.
    assert.ok(responses > 100, `${responses} responses`);
    assert.is(outcomes(outcome), outcome.scheduledRequests);
    assert.ok(Math.abs(outcome.sentRps - (outcome.scheduledRequests * 1_000) / 600) < 1e-6);
    assert.ok(Math.abs(outcome.achievedRps - (outcome.ok.totalCount * 1_000) / 600) < 1e-6);
    const failedShare = outcome.non2xx.totalCount / responses;
    assert.ok(failedShare > 0.07 && failedShare < 0.13, `non-2xx share ${failedShare}`);
    // A 1 ms service delay: latency in µs is above 1000, not 1 (ms) as autocannon would say.
    assert.ok(outcome.ok.getValueAtPercentile(50) >= 1_000, `p50 ${outcome.ok.getValueAtPercentile(50)} µs`);
    assert.ok(outcome.ok.getValueAtPercentile(50) < 50_000);
    assert.is(outcome.uncorrected, null);
    assert.match(outcome.engine, /meshbench closed loop/);
  } finally {
    await stop(server);
  }
});

test('the open loop\'s outcome classes: refused connections, and requests never answered as timeouts at their time to failure', async () => {
  const { server, url } = await start(0);
  await stop(server);
  const refused = await new ClosedLoopEngine().run({ connections: 1, targetRps: null, warmupMs: 0, durationMs: 200, timeoutMs: 1_000 }, url, new AbortController().signal);
  assert.ok(refused.errorsByClass.refused > 0, JSON.stringify(refused.errorsByClass));
  assert.is(refused.error.totalCount, refused.errorsByClass.refused);
  assert.is(refused.ok.totalCount, 0);

  // Every 5th request is held: it blocks its connection until the 150 ms timeout.
  const target = await startHoldingTarget((n) => n % 5 !== 4);
  try {
    const o = await new ClosedLoopEngine().run({ connections: 2, targetRps: null, warmupMs: 0, durationMs: 500, timeoutMs: 150 }, target.url, new AbortController().signal);
    assert.ok(o.errorsByClass.timeout > 0, JSON.stringify(o.errorsByClass));
    assert.is(outcomes(o), o.scheduledRequests);
    assert.is(o.error.totalCount, o.errorsByClass.timeout);
    assert.ok(o.error.minNonZeroValue >= 149_000, `fastest timeout ${o.error.minNonZeroValue} µs`);
  } finally {
    await target.close();
  }
});

test('abort stops the load promptly and rejects with the reason', async () => {
  const { server, url } = await start(0);
  try {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop now')), 200);
    await new ClosedLoopEngine()
      .run({ connections: 2, targetRps: null, warmupMs: 100, durationMs: 10_000, timeoutMs: 5_000 }, url, controller.signal)
      .then(
        () => assert.unreachable('should reject'),
        (e: Error) => assert.is(e.message, 'stop now'),
      );
  } finally {
    await stop(server);
  }
});

test.run();
