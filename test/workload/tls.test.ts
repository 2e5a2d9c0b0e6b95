/** The sample service over its own TLS: https (ALPN http/1.1) and h2 (ALPN h2 only), with a CA made as a run makes it. */
import http2 from 'node:http2';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createWorkloadCertificates } from '../../src/platforms/workload-tls.ts';
import { listenWorkload } from '../../src/workload/listen.ts';
import { probeOnce } from '../../src/workload/probe.ts';
import { targetUrl } from '../../src/workload/protocol.ts';

const certs = await createWorkloadCertificates(mkdtempSync(join(tmpdir(), 'workload-tls-')));
const other = await createWorkloadCertificates(mkdtempSync(join(tmpdir(), 'workload-tls-')));
const options = { payloadBytes: 300, serviceDelayUs: 0, errorRate: 0 };

/** The ALPN a TLS client offering `offer` ends up with, or the error's code. */
function handshake(port: number, offer: string[]): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: certs.trust.serverName, ca: certs.trust.caPem, ALPNProtocols: offer });
    socket.once('secureConnect', () => {
      resolve(`${socket.getProtocol()} ${socket.alpnProtocol || 'none'}`);
      socket.destroy();
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

test('https: HTTP/1.1 over TLS with the run\'s certificate, answered with the payload', async () => {
  const w = await listenWorkload('https', options, '127.0.0.1', 0, certs);
  try {
    assert.is(await handshake(w.port, ['h2', 'http/1.1']), 'TLSv1.3 http/1.1');
    assert.ok(await probeOnce(targetUrl('https', '127.0.0.1', w.port), 0, 2_000, certs.trust));
    await probeOnce(targetUrl('https', '127.0.0.1', w.port), 0, 2_000, other.trust).then(
      () => assert.unreachable('a probe trusting another CA passed'),
      (e: Error) => assert.match(e.message, /not trusted by the loader.*UNABLE_TO_VERIFY_LEAF_SIGNATURE/),
    );
  } finally {
    w.close();
  }
});

test('h2: HTTP/2 over TLS only (ALPN h2; a client without h2 is refused), with the payload, delay and status of the plain service', async () => {
  const w = await listenWorkload('h2', { ...options, errorRate: 0.5 }, '127.0.0.1', 0, certs);
  try {
    assert.is(await handshake(w.port, ['h2']), 'TLSv1.3 h2');
    assert.is(await handshake(w.port, ['http/1.1']), 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL');
    const session = http2.connect(`https://127.0.0.1:${w.port}`, { ca: certs.trust.caPem, servername: certs.trust.serverName });
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) {
      answers.push(
        await new Promise<string>((resolve, reject) => {
          const stream = session.request({ ':path': '/' }, { endStream: true });
          let status = 0;
          let bytes = 0;
          stream.on('response', (h) => (status = Number(h[':status'])));
          stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
          stream.on('end', () => resolve(`${status}:${bytes}`));
          stream.on('error', reject);
        }),
      );
    }
    session.close();
    // Every other request fails (error rate 0.5, spread evenly), as over plaintext.
    assert.equal(answers, ['200:300', '500:17', '200:300', '500:17']);
  } finally {
    w.close();
  }
});

test('https and h2 without a certificate refuse to start, saying what they need', async () => {
  for (const protocol of ['https', 'h2'] as const) {
    await listenWorkload(protocol, options, '127.0.0.1', 0).then(
      () => assert.unreachable(`${protocol} started without a certificate`),
      (e: Error) => assert.match(e.message, new RegExp(`protocol ${protocol} serves TLS: it needs a certificate and key \\(--tls-cert, --tls-key\\)`)),
    );
  }
});

test.run();
