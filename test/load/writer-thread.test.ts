/**
 * The `writer` pacing's thread on real loopback sockets: it writes each armed request at the time
 * asked and never before, wakes the event loop for a due time no connection was armed for, and
 * writes nothing for an arm taken back (whose socket is about to close, its descriptor soon
 * another socket's). And the rule that sizes its spin window.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { epochNowMs, Http1Connection } from '../../src/load/http1.ts';
import { CANCELLED, spinWindowMs, WRITTEN, WriterThread } from '../../src/load/writer-thread.ts';

const REQUEST = Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1');

/** A server that notes when each chunk arrived on each connection; `n` connections to it. */
async function sockets(n: number) {
  const arrivals: { socket: number; atMs: number; bytes: number }[] = [];
  let accepted = 0;
  const server = net.createServer((s) => {
    const socket = accepted++;
    s.on('data', (d) => arrivals.push({ socket, atMs: epochNowMs(), bytes: d.length }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`);
  const connections: Http1Connection[] = [];
  for (let i = 0; i < n; i++) {
    const c = new Http1Connection(i, url, REQUEST, Buffer.alloc(1024), () => {});
    c.open();
    for (let k = 0; k < 200 && c.fd < 0; k++) await sleep(5);
    connections.push(c);
  }
  return {
    arrivals,
    connections,
    close: async () => {
      for (const c of connections) c.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

test('armed connections are written at their times, in order, never early', async () => {
  const s = await sockets(3);
  const thread = await WriterThread.start(3, REQUEST, 60, 1_000);
  try {
    const t0 = epochNowMs();
    const times = [t0 + 8, t0 + 3, t0 + 15];
    times.forEach((at, c) => thread.arm(c, s.connections[c]!.fd, at));
    for (let i = 0; i < 200 && s.arrivals.length < 3; i++) await sleep(5);
    for (let c = 0; c < 3; c++) {
      assert.is(thread.settled(c), WRITTEN, `connection ${c}`);
      assert.is(thread.bytes[c], REQUEST.length);
      assert.ok(thread.sent[c]! >= times[c]!, `connection ${c} written ${(times[c]! - thread.sent[c]!).toFixed(3)} ms early`);
    }
    assert.equal(s.arrivals.map((a) => a.bytes), [REQUEST.length, REQUEST.length, REQUEST.length]);
    assert.ok(s.arrivals.every((a, i) => i === 0 || a.atMs >= s.arrivals[i - 1]!.atMs), 'in time order');
    assert.ok(thread.window().sends === 3);
  } finally {
    await thread.close();
    await s.close();
  }
});

test('a due time no connection was armed for wakes the event loop, not before it', async () => {
  const thread = await WriterThread.start(1, REQUEST, 60, 1_000);
  try {
    const event = thread.nextEvent();
    const at = epochNowMs() + 5;
    thread.unarmedMs = at;
    await event;
    assert.ok(epochNowMs() >= at, `woken ${(at - epochNowMs()).toFixed(3)} ms early`);
  } finally {
    await thread.close();
  }
});

test('an arm taken back before its time writes nothing', async () => {
  const s = await sockets(1);
  const thread = await WriterThread.start(1, REQUEST, 60, 1_000);
  try {
    thread.arm(0, s.connections[0]!.fd, epochNowMs() + 20);
    thread.cancel(0);
    assert.is(thread.settled(0), CANCELLED);
    await sleep(50);
    assert.equal(s.arrivals, [], 'nothing was written');
  } finally {
    await thread.close();
    await s.close();
  }
});

test('the spin window: the wake-up lateness P99 less the lag aimed for, within its bounds; none when no window keeps the trial valid, or the widest did not', () => {
  const ms = (values: number[]) => Float64Array.from(values);
  const of = (n: number, v: number) => Array.from({ length: n }, () => v);
  const size = (late: number[], sendLag: number[] = [], w = { windowMs: 0.06, gaveUp: false }) => spinWindowMs(ms(late), ms(sendLag), w, 0.02, 0.4, 0.02, 1);
  // 100 wake-ups, the P99 is the 100th: 0.15 ms late, aiming at 0.02 ms of lag: 0.13 ms.
  const quiet = size([...of(99, 0.01), 0.15]);
  assert.ok(Math.abs(quiet.windowMs - 0.13) < 1e-9 && !quiet.gaveUp);
  assert.is(size(of(100, 0.005)).windowMs, 0.02, 'never under the lower bound');
  assert.equal(size(of(100, 1.2)), { windowMs: 0.4, gaveUp: false }, 'late 1.2 ms: the widest window could keep the lag P99 (0.8 ms) within the 1 ms limit');
  assert.equal(size(of(100, 3)), { windowMs: 0, gaveUp: false }, 'late 3 ms: no window keeps the trial valid, so it does not spin');
  assert.equal(size(of(100, 1.2), of(100, 2), { windowMs: 0.4, gaveUp: false }), { windowMs: 0, gaveUp: true }, 'the widest was tried and its sends were 2 ms late: it gives up');
  assert.equal(size(of(100, 1.2), [], { windowMs: 0, gaveUp: true }), { windowMs: 0, gaveUp: true }, 'and stays given up while its wake-ups are out of reach');
  const back = size(of(100, 0.2), [], { windowMs: 0, gaveUp: true });
  assert.ok(Math.abs(back.windowMs - 0.18) < 1e-9 && !back.gaveUp, 'until they are within reach again');
  assert.equal(size([]), { windowMs: 0.4, gaveUp: false }, 'nothing seen yet: the widest');
});

test.run();
