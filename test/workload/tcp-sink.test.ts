/** The tcp workload's sink beside its echo: one port, the first line decides, counts per token. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { once } from 'node:events';
import { readSink, SinkReader } from '../../src/load/bandwidth-sink.ts';
import { createTcpEchoServer } from '../../src/workload/tcp-echo.ts';
import { sinkHello } from '../../src/workload/tcp-sink.ts';

async function withServer(run: (target: URL) => Promise<void>): Promise<void> {
  const server = createTcpEchoServer({ payloadBytes: 16, serviceDelayUs: 0, errorRate: 0 } as Parameters<typeof createTcpEchoServer>[0]);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    await run(new URL(`tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}/`));
  } finally {
    server.close();
  }
}

const connect = async (target: URL) => {
  const socket = net.connect({ host: '127.0.0.1', port: Number(target.port) });
  await once(socket, 'connect');
  return socket;
};

test('an echo request is still echoed in full, even when it arrives a byte at a time', async () => {
  await withServer(async (target) => {
    const socket = await connect(target);
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString()));
    for (const c of 'xxxxxxxxxxxxxxxx') {
      socket.write(c);
      await new Promise((r) => setTimeout(r, 1));
    }
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    assert.is(got, 'x'.repeat(16));
  });
});

test('the sink discards (nothing comes back) and counts bytes after its line, per token, over connections', async () => {
  await withServer(async (target) => {
    const a = await connect(target);
    const b = await connect(target);
    let echoed = 0;
    for (const s of [a, b]) s.on('data', (d: Buffer) => (echoed += d.length));
    // The line split across writes, as TCP may deliver it.
    a.write('MBSI');
    await new Promise((r) => setTimeout(r, 5));
    a.write(`NK1 run-1\n${'y'.repeat(1000)}`);
    b.write(`${sinkHello('run-1')}${'y'.repeat(234)}`);
    const other = await connect(target);
    other.write(`${sinkHello('run-2')}${'y'.repeat(7)}`);
    await new Promise((r) => setTimeout(r, 50));
    const first = await readSink(target, 'run-1', 1000);
    assert.is(first.bytes, 1234);
    assert.is((await readSink(target, 'run-2', 1000)).bytes, 7);
    assert.is((await readSink(target, 'never-used', 1000)).bytes, 0);
    // One stats connection answers reading after reading (a loader opens it before its window).
    const reader = new SinkReader(target, 'run-1');
    const second = await reader.read(1000);
    a.write('y'.repeat(66));
    await new Promise((r) => setTimeout(r, 20));
    const third = await reader.read(1000);
    reader.close();
    assert.equal([second.bytes, third.bytes], [1234, 1300]);
    assert.ok(third.atUs > second.atUs && second.atUs > first.atUs, 'the sink\'s clock moves between readings');
    assert.is(echoed, 0);
    for (const s of [a, b, other]) s.destroy();
  });
});

test('a line with a bad token is dropped, not counted', async () => {
  await withServer(async (target) => {
    const socket = await connect(target);
    socket.write('MBSINK1 no spaces allowed\nzzz');
    await once(socket, 'close');
    assert.is((await readSink(target, 'no', 1000)).bytes, 0);
  });
});

test('reading something that is not the sink says what it got', async () => {
  // An echo server answers the reading with itself.
  const server = net.createServer((s) => s.pipe(s)).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const target = new URL(`tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}/`);
  try {
    await readSink(target, 'run-1', 300);
    assert.unreachable('a plain echo is not the sink');
  } catch (e) {
    assert.match((e as Error).message, /did not answer a reading within 300 ms|not "<bytes> <clockUs>"/);
  } finally {
    server.close();
  }
});

test.run();
