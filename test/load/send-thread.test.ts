/**
 * The `thread` pacing's sender on a real loopback socket: it writes the request at the time
 * asked and not before, and an arm taken back writes nothing, so a socket about to be closed (its
 * descriptor soon another socket's) is never written to.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { epochNowMs, Http1Connection } from '../../src/load/http1.ts';
import { SendThread } from '../../src/load/send-thread.ts';

const REQUEST = Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1');

/** A server that notes when each chunk arrived; a connection to it, with its descriptor. */
async function socketPair(): Promise<{ arrivals: { atMs: number; bytes: number }[]; connection: Http1Connection; close(): Promise<void> }> {
  const arrivals: { atMs: number; bytes: number }[] = [];
  const server = net.createServer((s) => s.on('data', (d) => arrivals.push({ atMs: epochNowMs(), bytes: d.length })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`);
  const connection = new Http1Connection(0, url, REQUEST, Buffer.alloc(1024), () => {});
  connection.open();
  for (let i = 0; i < 200 && connection.fd < 0; i++) await sleep(5);
  return {
    arrivals,
    connection,
    close: async () => {
      connection.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

test('the sender writes the whole request at the time asked, never before', async () => {
  const pair = await socketPair();
  const thread = await SendThread.start(REQUEST, 60);
  try {
    assert.ok(pair.connection.fd >= 0, 'connected, with a descriptor');
    for (const aheadMs of [0.5, 3, 10]) {
      const atMs = epochNowMs() + aheadMs;
      await thread.arm(atMs, pair.connection.fd);
      const report = thread.take()!;
      assert.is(report.state, 'written');
      assert.is(report.bytes, REQUEST.length);
      assert.ok(report.sentMs >= atMs, `wrote ${(atMs - report.sentMs).toFixed(3)} ms early`);
    }
    for (let i = 0; i < 100 && pair.arrivals.reduce((n, a) => n + a.bytes, 0) < 3 * REQUEST.length; i++) await sleep(5);
    assert.is(pair.arrivals.reduce((n, a) => n + a.bytes, 0), 3 * REQUEST.length, 'three requests arrived');
    assert.not.ok(thread.busy);
  } finally {
    await thread.close();
    await pair.close();
  }
});

test('an arm taken back before its time writes nothing, and the thread is free again once it let go', async () => {
  const pair = await socketPair();
  const thread = await SendThread.start(REQUEST, 60);
  try {
    const done = thread.arm(epochNowMs() + 30, pair.connection.fd);
    thread.cancel();
    assert.is(thread.take()?.state, 'cancelled');
    await done;
    assert.not.ok(thread.busy, 'acknowledged');
    await sleep(60);
    assert.equal(pair.arrivals, [], 'nothing was written');
    const wake = thread.arm(epochNowMs() + 2, -1);
    await wake;
    assert.is(thread.take()?.state, 'written', 'a wake-only arm reports as done');
  } finally {
    await thread.close();
    await pair.close();
  }
});

test.run();
