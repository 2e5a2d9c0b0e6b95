/**
 * The bandwidth engine against the real tcp workload (its sink): the loader's and the sink's counts
 * of the window agree, the totals agree to the byte, warmup is left out, the phases are told, and
 * the result line carries the counts across a process boundary.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { once } from 'node:events';
import { BandwidthEngine, CHUNK_BYTES } from '../../src/load/bandwidth.ts';
import { decodeResultLine, encodeResultLine, mergeOutcomes } from '../../src/load/result-line.ts';
import type { LoadPhase } from '../../src/load/types.ts';
import { createTcpEchoServer } from '../../src/workload/tcp-echo.ts';
import { established } from './established.ts';

async function sink(): Promise<{ target: URL; close(): void; connections(): number }> {
  const server = createTcpEchoServer({ payloadBytes: 64, serviceDelayUs: 0, errorRate: 0 } as Parameters<typeof createTcpEchoServer>[0]);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  return { target: new URL(`tcp://127.0.0.1:${port}/`), close: () => server.close(), connections: () => established(port) };
}

/** Bytes in flight at either edge (socket buffers on loopback are a few MiB) against ~1 GB in the window. */
const WINDOW_TOLERANCE = 0.02;

test('sent and received agree over the window (within 2 %), and the totals to the byte', async () => {
  const s = await sink();
  try {
    const phases: LoadPhase[] = [];
    let during = 0;
    const o = await new BandwidthEngine().run({ connections: 3, targetRps: null, warmupMs: 300, durationMs: 1000, timeoutMs: 2000 }, s.target, new AbortController().signal, (p) => {
      phases.push(p);
      if (p === 'measure') during = s.connections();
    });
    // 3 data connections and the stats connection, each seen from both ends.
    assert.is(during, 8, 'the count of connections sees the running ones');
    const b = o.bandwidth!;
    assert.equal(phases, ['warmup', 'measure', 'drain']);
    assert.is(b.connections, 3);
    assert.ok(b.sentBytes > 10 * CHUNK_BYTES, `only ${b.sentBytes} bytes sent`);
    assert.is(b.sentBytes % CHUNK_BYTES, 0, 'the loader counts whole writes');
    const gap = Math.abs(b.sentBytes - b.receivedBytes!) / b.sentBytes;
    assert.ok(gap <= WINDOW_TOLERANCE, `sent ${b.sentBytes}, received ${b.receivedBytes}: ${(gap * 100).toFixed(2)} % apart`);
    assert.ok(Math.abs(b.sentWindowUs - 1_000_000) < 100_000, `loader window ${b.sentWindowUs} µs`);
    assert.ok(Math.abs(b.receivedWindowUs! - 1_000_000) < 100_000, `sink window ${b.receivedWindowUs} µs`);
    // Warmup and the drain are in the totals, not in the window.
    assert.ok(b.totalSentBytes > b.sentBytes);
    assert.is(b.totalReceivedBytes, b.totalSentBytes, 'every byte written arrived, and was counted once');
    assert.equal([o.ok.totalCount, o.achievedRps, o.scheduledRequests], [0, 0, 0], 'no requests: nothing recorded as if it were');
    await new Promise((r) => setTimeout(r, 50));
    assert.is(s.connections(), 0, 'every connection closed');
  } finally {
    s.close();
  }
});

test('the result line carries the counts; parts of one window add up', async () => {
  const s = await sink();
  try {
    const o = await new BandwidthEngine().run({ connections: 1, targetRps: null, warmupMs: 0, durationMs: 300, timeoutMs: 2000 }, s.target, new AbortController().signal);
    const back = decodeResultLine(`progress\n${encodeResultLine(o, { index: 0, count: 1 }, { startEpochMs: 1, endEpochMs: 2 })}\n`).outcome;
    assert.equal(back.bandwidth, o.bandwidth);
    const merged = mergeOutcomes([back, back]).bandwidth!;
    assert.equal([merged.connections, merged.sentBytes, merged.receivedBytes, merged.sentWindowUs], [2, 2 * o.bandwidth!.sentBytes, 2 * o.bandwidth!.receivedBytes!, o.bandwidth!.sentWindowUs]);
  } finally {
    s.close();
  }
});

test('a target that is not tcp://, or a sink that is not there, is an error; an abort ends the run', async () => {
  const engine = new BandwidthEngine();
  const spec = { connections: 1, targetRps: null, warmupMs: 0, durationMs: 200, timeoutMs: 500 };
  try {
    await engine.run(spec, new URL('http://127.0.0.1:1/'), new AbortController().signal);
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /target must be tcp:\/\/, not http:/);
  }
  // A port nobody listens on: the connection is refused.
  const closed = net.createServer().listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const port = (closed.address() as net.AddressInfo).port;
  closed.close();
  try {
    await engine.run(spec, new URL(`tcp://127.0.0.1:${port}/`), new AbortController().signal);
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /ECONNREFUSED/);
  }
  const s = await sink();
  try {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stopped by the test')), 100);
    const started = performance.now();
    try {
      await engine.run({ ...spec, durationMs: 5_000 }, s.target, controller.signal);
      assert.unreachable();
    } catch (e) {
      assert.is((e as Error).message, 'stopped by the test');
    }
    assert.ok(performance.now() - started < 1_000);
    await new Promise((r) => setTimeout(r, 50));
    assert.is(s.connections(), 0, 'an aborted run leaves no connection open');
  } finally {
    s.close();
  }
});

test.run();
