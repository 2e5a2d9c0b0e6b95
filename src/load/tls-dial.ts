/**
 * TLS connections of the load engines to a workload that speaks TLS itself (`https`, `h2`): the
 * run's CA trusted and the certificate's name checked (never `rejectUnauthorized: false`), the
 * ALPN protocol required, and the last session kept so a reconnect resumes instead of paying a
 * full handshake. Keep-alive makes that one handshake per connection, in the warmup.
 */
import net from 'node:net';
import tls from 'node:tls';
import { certificateProblem, UNTRUSTED_FIX, UntrustedCertificateError } from '../workload/tls-trust.ts';
import type { WorkloadTrust } from '../workload/protocol.ts';

export type Alpn = 'http/1.1' | 'h2';

export class TlsDialer {
  private readonly options: tls.ConnectionOptions;
  private readonly alpn: Alpn;
  private session: Buffer | undefined;

  /** `trust` absent: the system's CAs and the URL's host name (an external https:// target). */
  constructor(target: URL, alpn: Alpn, trust?: WorkloadTrust) {
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const servername = trust?.serverName ?? (net.isIP(host) ? undefined : host);
    this.alpn = alpn;
    this.options = { host, port: Number(target.port) || 443, servername, ALPNProtocols: [alpn], ...(trust && { ca: trust.caPem }) };
  }

  /** A connection; it fails (an 'error' event) when the peer did not agree to the ALPN protocol. */
  dial(): tls.TLSSocket {
    const socket = tls.connect({ ...this.options, ...(this.session && { session: this.session }) });
    // Without Nagle, as the plaintext connections (applied once the socket connects).
    socket.setNoDelay(true);
    socket.on('session', (s: Buffer) => (this.session = s));
    socket.once('secureConnect', () => {
      const problem = alpnProblem(socket, this.alpn);
      if (problem) socket.destroy(new Error(problem));
    });
    return socket;
  }

  /**
   * One handshake before the load starts (outside every window): resolves with what was
   * negotiated ("TLSv1.3, ALPN h2"), or rejects with an UntrustedCertificateError that says why
   * the certificate failed, or with the ALPN the server refused.
   */
  check(timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect(this.options);
      const timer = setTimeout(() => socket.destroy(new Error(`no TLS handshake with ${this.options.host}:${this.options.port} within ${timeoutMs} ms`)), timeoutMs);
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        const problem = alpnProblem(socket, this.alpn);
        const negotiated = `${socket.getProtocol()}, ALPN ${socket.alpnProtocol || 'none'}`;
        // end(), not destroy(): our last handshake message must reach the server, or its side of
        // the handshake never completes (and a server counting handshakes would miss this one).
        socket.end();
        if (problem) reject(new Error(problem));
        else resolve(negotiated);
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const untrusted = certificateProblem(error);
        if (untrusted) return reject(new UntrustedCertificateError(`${untrusted}; ${UNTRUSTED_FIX}`, { cause: error }));
        // A server that shares no ALPN protocol with us says so with a TLS alert (RFC 7301).
        if (error.code === 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL') return reject(new Error(`the workload did not agree to ALPN ${this.alpn} (it has no protocol in common with ${this.alpn}): it does not speak ${this.alpn === 'h2' ? 'HTTP/2' : 'HTTP/1.1'} over TLS`, { cause: error }));
        reject(error);
      });
    });
  }
}

/** HTTP/2 needs ALPN h2; HTTP/1.1 accepts a server that does no ALPN at all (false), as browsers do. */
function alpnProblem(socket: tls.TLSSocket, alpn: Alpn): string | undefined {
  const got = socket.alpnProtocol;
  if (got === alpn || (alpn === 'http/1.1' && got === false)) return undefined;
  return `the workload did not agree to ALPN ${alpn} (it chose ${got || 'none'}): it does not speak ${alpn === 'h2' ? 'HTTP/2' : 'HTTP/1.1'} over TLS`;
}
