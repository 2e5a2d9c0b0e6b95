/** The sample service over h2c, gRPC (Fortio's ping) and TCP, and the ping message against protobufjs. */
import http2 from 'node:http2';
import net from 'node:net';
import protobuf from 'protobufjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listenWorkload } from '../../src/workload/listen.ts';
import { decodePing, encodePing } from '../../src/workload/ping-message.ts';
import { probeOnce } from '../../src/workload/probe.ts';
import { targetUrl } from '../../src/workload/protocol.ts';

// Fortio's fgrpc/ping.proto, as protobufjs (a well-kept protobuf runtime) reads it: the oracle of the hand-written codec.
const PingMessage = protobuf.parse(`syntax = "proto3"; package fgrpc;
message PingMessage { int64 seq = 1; int64 ts = 2; string payload = 3; int64 delayNanos = 4; }`).root.lookupType('fgrpc.PingMessage');

test('PingMessage: the hand-written codec writes what protobufjs writes, and reads what it writes', () => {
  const cases = [
    { seq: 1n, ts: 0n, payload: '', delayNanos: 0n },
    { seq: 123456789n, ts: 1_765_121_000_123_456_789n, payload: 'x'.repeat(300), delayNanos: 2_000_000n },
    { seq: -1n, ts: 5n, payload: 'héllo ✓', delayNanos: -7n },
  ];
  for (const m of cases) {
    const ours = encodePing(m);
    const theirs = Buffer.from(PingMessage.encode(PingMessage.fromObject({ seq: m.seq.toString(), ts: m.ts.toString(), payload: m.payload, delayNanos: m.delayNanos.toString() })).finish());
    assert.is(ours.toString('hex'), theirs.toString('hex'), `seq ${m.seq}`);
    assert.equal(decodePing(theirs), m);
  }
  // Unknown fields (a newer Fortio) are skipped.
  const extended = Buffer.concat([encodePing(cases[1]!), Buffer.from([(9 << 3) | 2, 2, 0x61, 0x62, (10 << 3) | 0, 5])]);
  assert.equal(decodePing(extended), cases[1]);
  assert.throws(() => decodePing(Buffer.from([(3 << 3) | 2, 10, 0x61])), /truncated/);
});

const options = { payloadBytes: 100, serviceDelayUs: 0, errorRate: 0 };

test('h2c: the health path and the payload over HTTP/2 with prior knowledge', async () => {
  const w = await listenWorkload('h2c', options, '127.0.0.1', 0);
  try {
    const session = http2.connect(`http://127.0.0.1:${w.port}`);
    const get = (path: string) =>
      new Promise<{ status: number; bytes: number }>((resolve, reject) => {
        const s = session.request({ ':path': path }, { endStream: true });
        let status = 0;
        let bytes = 0;
        s.on('response', (h) => (status = Number(h[':status'])));
        s.on('data', (d: Buffer) => (bytes += d.length));
        s.on('end', () => resolve({ status, bytes }));
        s.on('error', reject);
      });
    assert.equal(await get('/healthz'), { status: 200, bytes: 3 });
    assert.equal(await get('/'), { status: 200, bytes: 100 });
    session.close();
  } finally {
    w.close();
  }
});

test('gRPC: Fortio\'s ping answered with the request\'s seq, a receive time, and the payload; the probe sees it', async () => {
  const w = await listenWorkload('grpc', options, '127.0.0.1', 0);
  try {
    const { Client, credentials, Metadata } = await import('@grpc/grpc-js');
    const client = new Client(`127.0.0.1:${w.port}`, credentials.createInsecure());
    const sentNs = BigInt(Date.now()) * 1_000_000n;
    const reply = await new Promise<ReturnType<typeof decodePing>>((resolve, reject) =>
      client.makeUnaryRequest('/fgrpc.PingServer/Ping', encodePing, decodePing, { seq: 42n, ts: sentNs, payload: '', delayNanos: 0n }, new Metadata(), (e, r) => (e ? reject(e) : resolve(r!))),
    );
    client.close();
    assert.is(reply.seq, 42n);
    assert.is(reply.payload.length, 100);
    assert.ok(reply.ts >= sentNs && reply.ts < sentNs + 10_000_000_000n, `receive ts ${reply.ts}`);
    assert.ok(await probeOnce(targetUrl('grpc', '127.0.0.1', w.port), 0, 2_000));
  } finally {
    w.close();
  }
});

test('tcp: requests of payloadBytes are echoed whole, however they arrive in pieces', async () => {
  const w = await listenWorkload('tcp', options, '127.0.0.1', 0);
  try {
    const socket = net.connect({ host: '127.0.0.1', port: w.port });
    await new Promise((resolve) => socket.once('connect', resolve));
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    // Two requests, written as 30 + 120 + 50 bytes.
    const request = Buffer.concat([Buffer.alloc(100, 'a'), Buffer.alloc(100, 'b')]);
    socket.write(request.subarray(0, 30));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.is(Buffer.concat(received).length, 0, 'nothing before a whole request');
    socket.write(request.subarray(30, 150));
    socket.write(request.subarray(150));
    const deadline = Date.now() + 2_000;
    while (Buffer.concat(received).length < 200 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.is(Buffer.concat(received).toString(), request.toString());
    socket.destroy();
    assert.ok(await probeOnce(targetUrl('tcp', '127.0.0.1', w.port), 100, 2_000));
    assert.not.ok(await probeOnce(targetUrl('h2c', '127.0.0.1', w.port), 100, 500), 'an h2c probe is not answered by the tcp echo');
  } finally {
    w.close();
  }
});

test.run();
