/** Injected faults of the sample service: on their timetable, and real on the wire. */
import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FaultClock } from '../../src/workload/faults.ts';
import { createWorkloadServer } from '../../src/workload/service.ts';

test('a fault is on from `after` to `after + for`, counted from the first request', () => {
  const clock = new FaultClock([{ kind: 'reset', afterMs: 100, forMs: 50 }]);
  assert.equal([1000, 1099, 1100, 1149, 1150].map((t) => clock.action(t)), [null, null, 'reset', 'reset', null]);
});

test('a 5xx burst fails its rate of requests, spread evenly', () => {
  const clock = new FaultClock([{ kind: 'errors', afterMs: 0, forMs: 1_000, rate: 0.5 }]);
  const actions = Array.from({ length: 8 }, (_, i) => clock.action(i));
  assert.equal(actions, [null, 'error', null, 'error', null, 'error', null, 'error']);
  assert.is(clock.action(2_000), null);
});

function get(port: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
}

test('the service resets the connection (ECONNRESET, not a clean close) during a reset fault, then answers again', async () => {
  const server = createWorkloadServer({ payloadBytes: 10, serviceDelayUs: 0, errorRate: 0, faults: [{ kind: 'reset', afterMs: 0, forMs: 300 }, { kind: 'errors', afterMs: 300, forMs: 300 }] });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    assert.is(await get(port), 'ECONNRESET');
    await new Promise((r) => setTimeout(r, 350));
    assert.is(await get(port), 503);
    await new Promise((r) => setTimeout(r, 300));
    assert.is(await get(port), 200);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test.run();
