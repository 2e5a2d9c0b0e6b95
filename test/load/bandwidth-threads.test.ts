/**
 * The bandwidth engine's writer threads (src/load/bandwidth-threads.ts), seen from outside as the
 * kernel lists them: a 4-connection run is written by one thread per core (up to the
 * connections), each of which does write, and the loader's and the sink's totals still agree to the
 * byte; an abort in the middle of the window leaves no writer thread and no connection; a sink
 * that resets its connections is counted as such.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { availableParallelism } from 'node:os';
import { BandwidthEngine } from '../../src/load/bandwidth.ts';
import { THREAD_NAME, threadCount } from '../../src/load/bandwidth-threads.ts';
import { createTcpEchoServer } from '../../src/workload/tcp-echo.ts';
import { established } from './established.ts';

/** This process's writer threads now, with the CPU ticks (utime + stime) each has used. */
function writerThreads(): { tid: string; ticks: number }[] {
  const threads: { tid: string; ticks: number }[] = [];
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      if (readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() !== THREAD_NAME) continue;
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.push({ tid, ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return threads;
}

async function listen(server: net.Server): Promise<{ target: URL; port: number; close(): void }> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  return { target: new URL(`tcp://127.0.0.1:${port}/`), port, close: () => server.close() };
}

const sink = () => listen(createTcpEchoServer({ payloadBytes: 64, serviceDelayUs: 0, errorRate: 0 } as Parameters<typeof createTcpEchoServer>[0]));
const settleMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('four connections are written by one thread per core, each of which writes; the totals agree to the byte', async () => {
  const expected = Math.min(4, availableParallelism());
  assert.is(threadCount(4), expected);
  assert.is(threadCount(1), 1);
  assert.ok(expected > 1, `this machine has ${availableParallelism()} core(s): the loader cannot use more than one thread here`);
  const s = await sink();
  try {
    let atStart: { tid: string; ticks: number }[] = [];
    let atEnd: { tid: string; ticks: number }[] = [];
    const o = await new BandwidthEngine().run({ connections: 4, targetRps: null, warmupMs: 200, durationMs: 1_000, timeoutMs: 2_000 }, s.target, new AbortController().signal, (p) => {
      if (p === 'measure') atStart = writerThreads();
      if (p === 'drain') atEnd = writerThreads();
    });
    assert.is(atStart.length, expected, `writer threads during the window: ${JSON.stringify(atStart)}`);
    assert.equal(atEnd.map((t) => t.tid), atStart.map((t) => t.tid), 'the same threads wrote the whole window');
    // A thread with no connection, or one that never wrote, would use next to no CPU in a second.
    for (const [k, t] of atEnd.entries()) assert.ok(t.ticks - atStart[k]!.ticks >= 5, `thread ${t.tid} used ${t.ticks - atStart[k]!.ticks} ticks in the window`);
    const b = o.bandwidth!;
    assert.is(b.connections, 4);
    assert.ok(b.sentBytes > 0 && b.receivedBytes! > 0);
    assert.is(b.totalReceivedBytes, b.totalSentBytes, 'every byte the threads wrote arrived, and was counted once');
    assert.equal(Object.values(o.errorsByClass), [0, 0, 0, 0]);
    await settleMs(50);
    assert.is(writerThreads().length, 0, 'the threads ended with the run');
    assert.is(established(s.port), 0, 'every connection closed');
  } finally {
    s.close();
  }
});

test('an abort in the middle of the window leaves no writer thread and no connection', async () => {
  const s = await sink();
  try {
    const controller = new AbortController();
    let during = 0;
    const run = new BandwidthEngine().run({ connections: 4, targetRps: null, warmupMs: 100, durationMs: 5_000, timeoutMs: 2_000 }, s.target, controller.signal, (p) => {
      if (p !== 'measure') return;
      setTimeout(() => {
        during = writerThreads().length;
        controller.abort(new Error('stopped by the test'));
      }, 300);
    });
    const started = performance.now();
    try {
      await run;
      assert.unreachable();
    } catch (e) {
      assert.is((e as Error).message, 'stopped by the test');
    }
    assert.ok(performance.now() - started < 2_000, 'the abort ended the run, not the window');
    assert.is(during, threadCount(4), 'the threads were writing when the abort came');
    assert.is(writerThreads().length, 0, 'no writer thread is left once run() has settled');
    await settleMs(50);
    assert.is(established(s.port), 0, 'no connection is left');
  } finally {
    s.close();
  }
});

test('a sink that resets its connections while the loader writes: counted as resets', async () => {
  // Reads a little of each connection, then resets it (RST), as a crashing peer would.
  const s = await listen(
    net.createServer((socket) => {
      let read = 0;
      socket.on('data', (d: Buffer) => {
        read += d.length;
        if (read > 4 * 1024 * 1024) socket.resetAndDestroy();
      });
      socket.on('error', () => undefined);
    }),
  );
  try {
    const o = await new BandwidthEngine().run({ connections: 2, targetRps: null, warmupMs: 0, durationMs: 500, timeoutMs: 300 }, s.target, new AbortController().signal);
    const { reset, ...others } = o.errorsByClass;
    assert.ok(reset >= 1, JSON.stringify(o.errorsByClass));
    assert.equal(Object.values(others), [0, 0, 0], JSON.stringify(o.errorsByClass));
    assert.is(o.bandwidth!.receivedBytes, null, 'no sink answered: no receiver figure');
    assert.is(writerThreads().length, 0);
  } finally {
    s.close();
  }
});

test.run();
