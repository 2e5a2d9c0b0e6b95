/** The open-loop engine over h2c, gRPC and TCP, against the real workload process and a counting HTTP/2 server. */
import http2 from 'node:http2';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ClosedLoopEngine } from '../../src/load/closed-loop.ts';
import { OpenLoopEngine } from '../../src/load/open-loop-engine.ts';
import { startWorkload } from '../../src/platforms/local/workload-process.ts';
import { targetUrl, type Protocol } from '../../src/workload/protocol.ts';
import type { WorkloadOptions } from '../../src/workload/service.ts';

async function withWorkload(protocol: Protocol, o: WorkloadOptions, fn: (url: URL) => Promise<void>): Promise<void> {
  const w = await startWorkload({ ...o, protocol }, `protocols-test-${process.pid}`, 10_000, new AbortController().signal);
  try {
    await fn(targetUrl(protocol, '127.0.0.1', w.port));
  } finally {
    await w.process.stop();
  }
}

const never = () => new AbortController().signal;

test('h2c over 1 connection with 100 streams sends concurrently: the server sees up to ~100 requests in flight on its one session', async () => {
  // Each answer takes 100 ms; at 1000 rps about 100 requests are outstanding at any time. One at a
  // time, the server would see 1 in flight and the run would reach 10 rps.
  const sessions = new Set<http2.Http2Session>();
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http2.createServer({ settings: { maxConcurrentStreams: 1_000 } }, (req, res) => {
    sessions.add(req.stream.session!);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    setTimeout(() => {
      inFlight--;
      res.writeHead(200, { 'content-length': 2 }).end('ok');
    }, 100);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    const engine = new OpenLoopEngine({ streamsPerConnection: 100 });
    const outcome = await engine.run({ connections: 1, targetRps: 1_000, warmupMs: 200, durationMs: 1_000, timeoutMs: 5_000 }, targetUrl('h2c', '127.0.0.1', port), never());
    assert.is(sessions.size, 1, 'one connection');
    assert.ok(maxInFlight >= 60 && maxInFlight <= 100, `max in flight on the one session: ${maxInFlight} (at most its 100 streams)`);
    assert.is(outcome.ok.totalCount, 1_000);
    assert.ok(outcome.ok.getValueAtPercentile(50) >= 100_000, `P50 ${outcome.ok.getValueAtPercentile(50)} µs includes the 100 ms answer`);
    assert.match(outcome.engine, /h2c, 100 streams per connection/);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('h2c with 1 stream per connection has one request in flight per connection: the same run queues and its corrected latency shows it', async () => {
  let maxInFlight = 0;
  let inFlight = 0;
  const server = http2.createServer((_req, res) => {
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    setTimeout(() => {
      inFlight--;
      res.writeHead(200, { 'content-length': 2 }).end('ok');
    }, 20);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    const outcome = await new OpenLoopEngine().run({ connections: 2, targetRps: 200, warmupMs: 0, durationMs: 500, timeoutMs: 10_000 }, targetUrl('h2c', '127.0.0.1', port), never());
    assert.is(maxInFlight, 2, '2 connections × 1 stream');
    // 2 in flight × 20 ms caps the rate at 100 rps against 200 asked: requests wait, and their wait counts.
    assert.ok(outcome.ok.getValueAtPercentile(99) > 200_000, `corrected P99 ${outcome.ok.getValueAtPercentile(99)} µs`);
    assert.ok(outcome.uncorrected!.getValueAtPercentile(99) < 100_000, `uncorrected P99 ${outcome.uncorrected!.getValueAtPercentile(99)} µs`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('h2c against the workload: 2xx and the evenly spread 500s are told apart', async () => {
  await withWorkload('h2c', { payloadBytes: 512, serviceDelayUs: 0, errorRate: 0.1 }, async (url) => {
    const outcome = await new OpenLoopEngine({ streamsPerConnection: 4 }).run({ connections: 2, targetRps: 400, warmupMs: 100, durationMs: 500, timeoutMs: 5_000 }, url, never());
    assert.is(outcome.ok.totalCount + outcome.non2xx.totalCount, 200);
    assert.ok(outcome.non2xx.totalCount >= 18 && outcome.non2xx.totalCount <= 22, `non-2xx ${outcome.non2xx.totalCount}`);
    assert.is(outcome.error.totalCount, 0);
  });
});

test('gRPC unary pings against the workload: every call answered OK, the service delay in the latency', async () => {
  await withWorkload('grpc', { payloadBytes: 1024, serviceDelayUs: 2_000, errorRate: 0 }, async (url) => {
    const outcome = await new OpenLoopEngine({ streamsPerConnection: 10 }).run({ connections: 2, targetRps: 300, warmupMs: 200, durationMs: 1_000, timeoutMs: 5_000 }, url, never());
    assert.is(outcome.ok.totalCount, 300);
    assert.is(outcome.error.totalCount + outcome.non2xx.totalCount, 0);
    assert.ok(outcome.ok.getValueAtPercentile(50) >= 2_000, `P50 ${outcome.ok.getValueAtPercentile(50)} µs, the service takes 2 ms`);
    assert.match(outcome.engine, /grpc, 10 streams per connection/);
  });
});

test('gRPC: the error rate comes back as non-OK statuses (non-2xx), not as transport errors', async () => {
  await withWorkload('grpc', { payloadBytes: 10, serviceDelayUs: 0, errorRate: 0.2 }, async (url) => {
    const outcome = await new OpenLoopEngine().run({ connections: 2, targetRps: 200, warmupMs: 0, durationMs: 500, timeoutMs: 5_000 }, url, never());
    assert.is(outcome.ok.totalCount + outcome.non2xx.totalCount, 100);
    assert.ok(outcome.non2xx.totalCount >= 18 && outcome.non2xx.totalCount <= 22, `non-OK ${outcome.non2xx.totalCount}`);
    assert.is(outcome.error.totalCount, 0);
  });
});

test('tcp request/response against the echo: each exchange of payloadBytes is one request', async () => {
  await withWorkload('tcp', { payloadBytes: 4096, serviceDelayUs: 0, errorRate: 0 }, async (url) => {
    const outcome = await new OpenLoopEngine({ messageBytes: 4096 }).run({ connections: 3, targetRps: 300, warmupMs: 100, durationMs: 1_000, timeoutMs: 5_000 }, url, never());
    assert.is(outcome.ok.totalCount, 300);
    assert.is(outcome.error.totalCount, 0);
    assert.match(outcome.engine, /\(tcp, /);
  });
});

test('tcp: a request with no echo times out at the timeout, and counts as one', async () => {
  // A sink: reads and never answers.
  const net = await import('node:net');
  const server = net.createServer((s) => s.resume());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as { port: number }).port;
    const outcome = await new OpenLoopEngine({ messageBytes: 10 }).run({ connections: 1, targetRps: 10, warmupMs: 0, durationMs: 100, timeoutMs: 200 }, targetUrl('tcp', '127.0.0.1', port), never());
    assert.is(outcome.ok.totalCount, 0);
    assert.is(outcome.errorsByClass.timeout, 1);
    const failedAtUs = outcome.error.getValueAtPercentile(100);
    assert.ok(failedAtUs >= 200_000 && failedAtUs < 260_000, `time to failure ${failedAtUs} µs`);
  } finally {
    server.close();
  }
});

test('more than one stream per connection is refused for protocols without streams', async () => {
  const engine = new OpenLoopEngine({ streamsPerConnection: 2 });
  for (const url of ['http://127.0.0.1:1/', 'tcp://127.0.0.1:1/', 'https://127.0.0.1:1/']) {
    try {
      await engine.run({ connections: 1, targetRps: 10, warmupMs: 0, durationMs: 100, timeoutMs: 100 }, new URL(url), never());
      assert.unreachable(`${url} accepted 2 streams`);
    } catch (e) {
      assert.match((e as Error).message, /need h2c, h2 or grpc/);
    }
  }
});

test('two worker threads over h2c and gRPC: each its own sessions and streams, the histograms merged into the whole schedule', async () => {
  for (const protocol of ['h2c', 'grpc'] as const) {
    await withWorkload(protocol, { payloadBytes: 64, serviceDelayUs: 0, errorRate: 0 }, async (url) => {
      const outcome = await new OpenLoopEngine({ workers: 2, streamsPerConnection: 4 }).run({ connections: 2, targetRps: 400, warmupMs: 100, durationMs: 500, timeoutMs: 5_000 }, url, never());
      assert.is(outcome.ok.totalCount, 200, protocol);
      assert.is(outcome.error.totalCount, 0, protocol);
      assert.match(outcome.engine, new RegExp(`\\(${protocol}, 4 streams per connection, 2 workers`));
    });
  }
});

test('closed loop over h2c, gRPC and tcp: every slot (connection × stream) keeps one request in flight', async () => {
  for (const protocol of ['h2c', 'grpc', 'tcp'] as const) {
    await withWorkload(protocol, { payloadBytes: 64, serviceDelayUs: 5_000, errorRate: 0 }, async (url) => {
      const streams = protocol === 'tcp' ? 1 : 5;
      const outcome = await new ClosedLoopEngine({ streamsPerConnection: streams, messageBytes: 64 }).run({ connections: 2, targetRps: null, warmupMs: 100, durationMs: 500, timeoutMs: 5_000 }, url, never());
      // 2 × streams requests in flight, each ~5 ms or more: at most 2 × streams / 5 ms per second.
      const ceiling = (2 * streams * 1_000) / 5;
      assert.ok(outcome.achievedRps > ceiling * 0.4 && outcome.achievedRps <= ceiling * 1.05, `${protocol}: ${outcome.achievedRps} rps, ceiling ${ceiling}`);
      assert.is(outcome.error.totalCount, 0, protocol);
      assert.match(outcome.engine, new RegExp(`closed loop \\(${protocol}`));
    });
  }
});

test.run();
