/**
 * The gRPC client on node:http2 against a plain HTTP/2 server that answers the way gRPC servers and
 * the proxies in front of them do: what each answer is recorded as, and that the request is a
 * well-formed unary call (grpc-js's own server answering it is in protocols.test.ts).
 */
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grpcPool } from '../../src/load/grpc-pool.ts';
import type { ErrorClass } from '../../src/results/model.ts';
import { decodePing } from '../../src/workload/ping-message.ts';
import { GRPC_PING_PATH } from '../../src/workload/protocol.ts';

type Answer = (stream: http2.ServerHttp2Stream) => void;

/** One call through the pool against a server answering with `answer`; what it was recorded as, and what the server was sent. */
async function oneCall(answer: Answer): Promise<{ outcome: number | ErrorClass; headers: http2.IncomingHttpHeaders; body: Buffer }> {
  let seen: { headers: http2.IncomingHttpHeaders; body: Buffer } | undefined;
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {}); // the reset test closes its stream with an error code on purpose
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      seen = { headers, body: Buffer.concat(chunks) };
      answer(stream);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const outcome = await new Promise<number | ErrorClass>((resolve) => {
      const pool = grpcPool({ target: new URL(`grpc://127.0.0.1:${port}`), connections: 1, streamsPerConnection: 1, messageBytes: 0, timeoutMs: 2_000, complete: (_slot, o) => (pool.close(), resolve(o)) });
      pool.send(0);
    });
    assert.ok(seen, 'the server saw the call');
    return { outcome, ...seen };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const reply = (trailers: http2.OutgoingHttpHeaders): Answer => (stream) => {
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers(trailers));
  stream.end(Buffer.from([0, 0, 0, 0, 2, 0x08, 0x01]));
};

test('a unary call is a POST of one length-prefixed ping, as gRPC frames it; grpc-status 0 in the trailers is OK (200)', async () => {
  const { outcome, headers, body } = await oneCall(reply({ 'grpc-status': '0' }));
  assert.is(outcome, 200);
  assert.is(headers[':method'], 'POST');
  assert.is(headers[':path'], GRPC_PING_PATH);
  assert.is(headers['content-type'], 'application/grpc');
  assert.is(headers.te, 'trailers');
  assert.is(body[0], 0, 'not compressed');
  assert.is(body.readUInt32BE(1), body.length - 5, 'the prefix gives the message length');
  assert.is(decodePing(body.subarray(5)).seq, 1n);
});

test('a status the server chose, in the trailers, is a non-2xx (500)', async () => {
  assert.is((await oneCall(reply({ 'grpc-status': '13', 'grpc-message': 'injected failure' }))).outcome, 500);
});

test('a trailers-only answer carries the status in its headers: UNAVAILABLE is a non-2xx, OK is OK', async () => {
  const trailersOnly = (status: string): Answer => (stream) => stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': status }, { endStream: true });
  assert.is((await oneCall(trailersOnly('14'))).outcome, 500);
  assert.is((await oneCall(trailersOnly('0'))).outcome, 200);
});

test("a proxy's HTTP error (503, no grpc-status) is a non-2xx, and a 200 that ends with no status is 'other'", async () => {
  assert.is((await oneCall((stream) => stream.respond({ ':status': 503 }, { endStream: true }))).outcome, 500);
  assert.is((await oneCall((stream) => (stream.respond({ ':status': 200, 'content-type': 'application/grpc' }), stream.end()))).outcome, 'other');
});

test('a stream the server resets is a reset', async () => {
  assert.is((await oneCall((stream) => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR))).outcome, 'reset');
});

test.run();
