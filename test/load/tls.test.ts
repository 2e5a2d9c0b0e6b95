/**
 * The engines over the workload's own TLS (https, h2): against the real workload process with a
 * CA made as a run makes it, and against counting TLS servers: the ALPN really negotiated, one
 * handshake per connection (the engine's check before the load adds one), a reconnect resumes its
 * session, and a CA or name that does not match, or a server without h2, ends the run with why.
 */
import http2 from 'node:http2';
import https from 'node:https';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ClosedLoopEngine } from '../../src/load/closed-loop.ts';
import { checkTlsTarget } from '../../src/load/tls-check.ts';
import { OpenLoopEngine } from '../../src/load/open-loop-engine.ts';
import { createWorkloadCertificates, type WorkloadCertificates } from '../../src/platforms/workload-tls.ts';
import { startWorkload } from '../../src/platforms/local/workload-process.ts';
import { targetUrl } from '../../src/workload/protocol.ts';

const certs = (): Promise<WorkloadCertificates> => createWorkloadCertificates(mkdtempSync(join(tmpdir(), 'tls-test-')));
const ours = await certs();
const theirs = await certs();
const never = () => new AbortController().signal;
const keyPair = async () => ({ cert: await import('node:fs/promises').then((f) => f.readFile(ours.certFile)), key: await import('node:fs/promises').then((f) => f.readFile(ours.keyFile)) });

async function withWorkload(protocol: 'https' | 'h2', fn: (url: URL) => Promise<void>): Promise<void> {
  const w = await startWorkload({ protocol, payloadBytes: 512, serviceDelayUs: 0, errorRate: 0.1 }, `tls-test-${process.pid}`, 10_000, never(), undefined, ours);
  try {
    await fn(targetUrl(protocol, '127.0.0.1', w.port));
  } finally {
    await w.process.stop();
  }
}

/** A TLS server that counts its handshakes, how many of them resumed a session, and the connections that carried requests. */
async function counting<S extends https.Server | http2.Http2SecureServer>(server: S): Promise<{ url: (scheme: 'https' | 'h2') => URL; handshakes: () => number; resumed: () => number; used: () => number; close: () => Promise<void> }> {
  let handshakes = 0;
  let resumed = 0;
  const used = new Set<unknown>();
  server.on('secureConnection', (socket: TLSSocket) => {
    handshakes++;
    if (socket.isSessionReused()) resumed++;
  });
  // HTTP/2: the session is the connection (its request's socket is a proxy made per request).
  server.on('request', (req: { socket: unknown; stream?: { session: unknown } }) => used.add(req.stream?.session ?? req.socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { url: (scheme) => targetUrl(scheme, '127.0.0.1', port), handshakes: () => handshakes, resumed: () => resumed, used: () => used.size, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

for (const protocol of ['https', 'h2'] as const) {
  test(`${protocol} against the workload: every request over TLS with ALPN ${protocol === 'h2' ? 'h2' : 'http/1.1'}, 2xx and the evenly spread 500s told apart`, async () => {
    await withWorkload(protocol, async (url) => {
      const streams = protocol === 'h2' ? 4 : 1;
      const outcome = await new OpenLoopEngine({ streamsPerConnection: streams }).run({ connections: 2, targetRps: 400, warmupMs: 100, durationMs: 500, timeoutMs: 5_000, trust: ours.trust }, url, never());
      assert.is(outcome.ok.totalCount + outcome.non2xx.totalCount, 200);
      assert.ok(outcome.non2xx.totalCount >= 18 && outcome.non2xx.totalCount <= 22, `non-2xx ${outcome.non2xx.totalCount}`);
      assert.is(outcome.error.totalCount, 0);
      assert.match(outcome.engine, protocol === 'h2' ? /\(h2 \(TLSv1\.3, ALPN h2\), 4 streams per connection,/ : /\(https \(TLSv1\.3, ALPN http\/1\.1\),/);
      const closed = await new ClosedLoopEngine({ streamsPerConnection: streams }).run({ connections: 2, targetRps: null, warmupMs: 100, durationMs: 300, timeoutMs: 5_000, trust: ours.trust }, url, never());
      assert.ok(closed.ok.totalCount > 50, `closed loop: ${closed.ok.totalCount} 2xx`);
      assert.is(closed.error.totalCount, 0);
      assert.match(closed.engine, /TLSv1\.3, ALPN/);
    });
  });
}

test('one TLS handshake per connection: 600 requests over up to 2 keep-alive connections are a handshake each, plus the engine\'s check', async () => {
  const h1 = await counting(https.createServer(await keyPair(), (_req, res) => res.writeHead(200, { 'content-length': 2 }).end('ok')));
  const h2 = await counting(http2.createSecureServer({ ...(await keyPair()), allowHTTP1: false }, (_req, res) => res.writeHead(200, { 'content-length': 2 }).end('ok')));
  try {
    for (const [scheme, server] of [['https', h1], ['h2', h2]] as const) {
      const outcome = await new OpenLoopEngine().run({ connections: 2, targetRps: 400, warmupMs: 500, durationMs: 1_500, timeoutMs: 5_000, trust: ours.trust }, server.url(scheme), never());
      assert.is(outcome.ok.totalCount, 600, scheme);
      // The engine opens a connection when a request finds none idle: at this rate 1 or 2.
      assert.ok(server.used() >= 1 && server.used() <= 2, `${scheme}: ${server.used()} connections carried requests`);
      assert.is(server.handshakes(), server.used() + 1, `${scheme}: handshakes`);
    }
  } finally {
    await h1.close();
    await h2.close();
  }
});

test('a connection the server closes is opened again with the session resumed, not a full handshake', async () => {
  // Connection: close after every answer: each request needs a new connection.
  const server = await counting(https.createServer(await keyPair(), (_req, res) => res.writeHead(200, { 'content-length': 2, connection: 'close' }).end('ok')));
  try {
    const outcome = await new OpenLoopEngine().run({ connections: 1, targetRps: 50, warmupMs: 0, durationMs: 1_000, timeoutMs: 5_000, trust: ours.trust }, server.url('https'), never());
    assert.is(outcome.ok.totalCount, 50);
    assert.ok(server.handshakes() >= 50, `handshakes ${server.handshakes()}`);
    // The first load connection may race the first ticket; every later one has a session to offer.
    assert.ok(server.resumed() >= server.handshakes() - 3, `${server.resumed()} of ${server.handshakes()} handshakes resumed`);
  } finally {
    await server.close();
  }
});

test('a CA the loader does not trust, or a certificate for another name, ends the run before any request, saying why', async () => {
  await withWorkload('h2', async (url) => {
    for (const [trust, reason] of [
      [theirs.trust, /not trusted by the loader: unable to verify the first certificate \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\); the loader trusts only the CA that the run generated/],
      [{ ...ours.trust, serverName: 'elsewhere.example' }, /not trusted by the loader: .*elsewhere\.example.*\(ERR_TLS_CERT_ALTNAME_INVALID\)/],
    ] as const) {
      for (const engine of [new OpenLoopEngine({ streamsPerConnection: 2 }), new ClosedLoopEngine()]) {
        const spec = { connections: 1, targetRps: engine.mode === 'rate' ? 10 : null, warmupMs: 0, durationMs: 200, timeoutMs: 2_000, trust };
        await engine.run(spec, url, never()).then(
          () => assert.unreachable(`${engine.name} loaded a workload it should not trust`),
          (e: Error) => assert.match(e.message, reason),
        );
      }
    }
  });
});

test('an h2 target whose server does not agree to ALPN h2 is refused: the run would not be HTTP/2', async () => {
  const server = await counting(https.createServer({ ...(await keyPair()), ALPNProtocols: ['http/1.1'] }, (_req, res) => res.end('ok')));
  try {
    await new OpenLoopEngine().run({ connections: 1, targetRps: 10, warmupMs: 0, durationMs: 200, timeoutMs: 2_000, trust: ours.trust }, server.url('h2'), never()).then(
      () => assert.unreachable('loaded h2 over a connection without ALPN h2'),
      (e: Error) => assert.match(e.message, /did not agree to ALPN h2 \(it has no protocol in common with h2\)/, e.message),
    );
  } finally {
    await server.close();
  }
});

test('the check before the load waits out a target that refuses at first (a Service not yet programmed), then negotiates', async () => {
  const probe = https.createServer({});
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  const started = Date.now();
  const checked = checkTlsTarget(targetUrl('https', '127.0.0.1', port), ours.trust);
  await new Promise((resolve) => setTimeout(resolve, 700));
  const server = https.createServer(await keyPair(), (_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  try {
    assert.is(await checked, 'TLSv1.3, ALPN http/1.1');
    assert.ok(Date.now() - started >= 700, 'it was refused before the server listened');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test.run();
