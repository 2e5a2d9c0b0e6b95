import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createWorkloadServer, HEALTH_PATH, type WorkloadOptions } from '../../src/workload/service.ts';

async function withServer(o: WorkloadOptions, fn: (base: string) => Promise<void>): Promise<void> {
  const server = createWorkloadServer(o);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

test('answers with exactly payloadBytes', async () => {
  await withServer({ payloadBytes: 1500, serviceDelayUs: 0, errorRate: 0 }, async (base) => {
    const res = await fetch(`${base}/anything`);
    assert.is(res.status, 200);
    assert.is((await res.arrayBuffer()).byteLength, 1500);
  });
});

test('injects errors evenly at the configured rate', async () => {
  await withServer({ payloadBytes: 10, serviceDelayUs: 0, errorRate: 0.25 }, async (base) => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${base}/`);
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    assert.is(statuses.filter((s) => s === 500).length, 10);
    assert.equal(statuses.slice(0, 8), [200, 200, 200, 500, 200, 200, 200, 500]);
  });
});

test('waits the service delay before answering', async () => {
  await withServer({ payloadBytes: 10, serviceDelayUs: 30_000, errorRate: 0 }, async (base) => {
    const t0 = performance.now();
    await (await fetch(`${base}/`)).arrayBuffer();
    assert.ok(performance.now() - t0 >= 29, `answered after ${performance.now() - t0} ms`);
  });
});

test('a sub-millisecond delay is kept precisely (busy work, not a timer)', async () => {
  // The fastest request of each series, not the median: a shared machine's stalls only ever add
  // time (CI saw a median 2.3 ms over at load 4), and a busy wait can never be faster than its delay.
  const perRequestMs = async (serviceDelayUs: number) => {
    const times: number[] = [];
    await withServer({ payloadBytes: 10, serviceDelayUs, errorRate: 0 }, async (base) => {
      for (let i = 0; i < 10; i++) await (await fetch(`${base}/`)).arrayBuffer();
      for (let i = 0; i < 51; i++) {
        const t0 = performance.now();
        await (await fetch(`${base}/`)).arrayBuffer();
        times.push(performance.now() - t0);
      }
    });
    return Math.min(...times);
  };
  const added = (await perRequestMs(300)) - (await perRequestMs(0));
  // A 1 ms timer would add at least 0.7 ms more than a 0 ms delay, to every request.
  assert.ok(added > 0.2 && added < 0.65, `a 300 µs delay added ${added.toFixed(3)} ms per request`);
});

test('the health path answers at once and is not counted as a request', async () => {
  await withServer({ payloadBytes: 10, serviceDelayUs: 500_000, errorRate: 1 }, async (base) => {
    const t0 = performance.now();
    const res = await fetch(`${base}${HEALTH_PATH}`);
    assert.is(res.status, 200);
    assert.ok(performance.now() - t0 < 400);
  });
});

test.run();
