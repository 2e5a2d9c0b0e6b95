/**
 * The sample service over TLS with its own certificate (the run's throwaway workload CA, apart
 * from any mesh's): `https` serves HTTP/1.1 (ALPN http/1.1), `h2` serves HTTP/2 (ALPN h2, no
 * fallback). Same handler, payload, delay, errors and faults as over plaintext. Sessions can be
 * resumed (tickets), so a loader that reconnects pays a short handshake, as a real client would.
 */
import { constants, createSecureServer, type Http2SecureServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { MAX_CONCURRENT_STREAMS } from './h2c.ts';
import { workloadHandler, type WorkloadOptions } from './service.ts';

/** The workload's certificate (chain) and private key, as PEM files. */
export interface WorkloadTlsFiles {
  certFile: string;
  keyFile: string;
}

function keyPair(files: WorkloadTlsFiles): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
}

export function createHttpsServer(o: WorkloadOptions, files: WorkloadTlsFiles): Server {
  const handler = workloadHandler<IncomingMessage, ServerResponse>(o, (req) => req.socket.resetAndDestroy());
  const server = createServer({ ...keyPair(files), ALPNProtocols: ['http/1.1'] }, handler);
  // As over plaintext: keep-alive connections last the whole trial.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  return server;
}

export function createH2Server(o: WorkloadOptions, files: WorkloadTlsFiles): Http2SecureServer {
  const handler = workloadHandler<Http2ServerRequest, Http2ServerResponse>(o, (_req, res) => res.stream.close(constants.NGHTTP2_INTERNAL_ERROR));
  // allowHTTP1 false: a client that cannot speak h2 is refused, so an h2 run is HTTP/2 throughout.
  return createSecureServer({ ...keyPair(files), allowHTTP1: false, settings: { maxConcurrentStreams: MAX_CONCURRENT_STREAMS } }, handler);
}
