/** The HTTP/1.1 connection layer against raw loopback servers that frame responses every legal way. */
import net, { type AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Http1Pool } from '../../src/load/http1-pool.ts';
import type { ErrorClass } from '../../src/results/model.ts';

type Reply = (socket: net.Socket, request: number) => void;

/** A server that calls `reply` for each request it reads (one request in flight per connection). */
async function rawServer(reply: Reply): Promise<{ url: URL; connections: () => number; close: () => Promise<void> }> {
  let n = 0;
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let pending = '';
    socket.on('data', (d) => {
      pending += d.toString('latin1');
      while (pending.includes('\r\n\r\n')) {
        pending = pending.slice(pending.indexOf('\r\n\r\n') + 4);
        reply(socket, n++);
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x?y=1`),
    connections: () => accepted,
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Sends `count` requests one after the other on one connection; resolves with each outcome and time. */
async function sequence(url: URL, count: number, timeoutMs = 5_000): Promise<{ outcomes: (number | ErrorClass)[]; timesMs: number[]; sentMs: number[] }> {
  const outcomes: (number | ErrorClass)[] = [];
  const timesMs: number[] = [];
  const sentMs: number[] = [];
  return new Promise((resolve) => {
    const pool: Http1Pool = new Http1Pool({
      target: url,
      connections: 1,
      timeoutMs,
      complete: (_c, outcome, nowMs) => {
        outcomes.push(outcome);
        timesMs.push(nowMs);
        if (outcomes.length < count) next();
        else {
          pool.close();
          resolve({ outcomes, timesMs, sentMs });
        }
      },
    });
    const next = () => {
      pool.send(0);
      sentMs.push(pool.connections[0]!.sentAtMs);
    };
    next();
  });
}

/** Writes `text` one byte per write, so every parser state sees a split. */
function dribble(socket: net.Socket, text: string): void {
  socket.cork();
  for (const ch of text) socket.write(ch);
  process.nextTick(() => socket.uncork());
}

test('Content-Length, chunked (split at every byte, with extensions and trailers), 204 and 100 Continue frame responses on one keep-alive connection', async () => {
  const replies = [
    'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
    'HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n',
    'HTTP/1.1 204 No Content\r\n\r\n',
    'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nCONTENT-LENGTH: 2\r\n\r\nok',
  ];
  const server = await rawServer((socket, n) => {
    const text = replies[n % replies.length]!;
    if (n % replies.length === 2) dribble(socket, text);
    else socket.write(text);
  });
  try {
    const { outcomes } = await sequence(server.url, 10);
    assert.equal(outcomes, [200, 503, 200, 204, 201, 200, 503, 200, 204, 201]);
    assert.is(server.connections(), 1, 'every response was framed right, so the connection was kept');
  } finally {
    await server.close();
  }
});

test('Connection: close and HTTP/1.0 bodies that run to the end of the connection: a new connection for the next request', async () => {
  const server = await rawServer((socket, n) => {
    if (n % 2 === 0) socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok');
    else socket.end('HTTP/1.0 202 Accepted\r\n\r\nbody until close');
  });
  try {
    const { outcomes } = await sequence(server.url, 4);
    assert.equal(outcomes, [200, 202, 200, 202]);
    assert.is(server.connections(), 4);
  } finally {
    await server.close();
  }
});

test('a request with no answer fails as a timeout at exactly send + timeout; the connection is replaced', async () => {
  const server = await rawServer((socket, n) => {
    if (n === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
  });
  try {
    const { outcomes, timesMs, sentMs } = await sequence(server.url, 2, 100);
    assert.equal(outcomes, ['timeout', 200]);
    assert.is(timesMs[0]! - sentMs[0]!, 100);
    assert.is(server.connections(), 2);
  } finally {
    await server.close();
  }
});

test('a connection closed mid-response is a reset, a refused connection is refused', async () => {
  const server = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
  try {
    assert.equal((await sequence(server.url, 2)).outcomes, ['reset', 'reset']);
  } finally {
    await server.close();
  }
  assert.equal((await sequence(server.url, 1)).outcomes, ['refused']);
});

test.run();
