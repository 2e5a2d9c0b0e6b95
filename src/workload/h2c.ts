/**
 * The sample service over HTTP/2 without TLS (h2c, prior knowledge: no Upgrade from HTTP/1.1, as
 * Envoy, Fortio's `-h2` and gRPC clients speak it). Same handler, payload, delay, errors and faults
 * as HTTP/1.1; a `reset` fault resets the stream (RST_STREAM), HTTP/2's per-request reset.
 */
import { constants, createServer, type Http2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { workloadHandler, type WorkloadOptions } from './service.ts';

/** Streams a client may open at once per connection: far above any `load.streamsPerConnection`, so the server never queues them. */
export const MAX_CONCURRENT_STREAMS = 10_000;

export function createH2cServer(o: WorkloadOptions): Http2Server {
  const handler = workloadHandler<Http2ServerRequest, Http2ServerResponse>(o, (_req, res) => res.stream.close(constants.NGHTTP2_INTERNAL_ERROR));
  return createServer({ settings: { maxConcurrentStreams: MAX_CONCURRENT_STREAMS } }, handler);
}
