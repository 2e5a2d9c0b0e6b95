/**
 * gRPC unary calls for the load engines, spoken on node:http2 (Http2Pool): N connections, each
 * carrying up to `streamsPerConnection` calls at once. Every call is Fortio's ping
 * (fgrpc.PingServer/Ping) with the same small message, framed once: a POST of one length-prefixed
 * message, answered by headers, one message and trailers whose grpc-status is the call's status.
 *
 * Not grpc-js's client: with it on the pacing thread, about 1 call in 100 was held over 10 ms (P99
 * 20.5 ms against Fortio's 7.5 ms on a quiet machine, bench/README.md section 8); a unary call
 * needs none of its channel machinery. The workload's server is still grpc-js's.
 *
 * OK is the 2xx of gRPC (recorded as 200); a status the server chose (INTERNAL, UNAVAILABLE from
 * a fault, ...) or a response that is not gRPC's (an HTTP status other than 200, a proxy's error
 * page) is a non-2xx (recorded as 500); a stream that ended with no status is 'other'; a call
 * that never got an answer is an error of its class, as for h2c.
 */
import http2 from 'node:http2';
import { GRPC_PING_PATH } from '../workload/protocol.ts';
import { emptyPing, encodePing } from '../workload/ping-message.ts';
import { Http2Pool, type Http2Exchange } from './http2-pool.ts';
import type { SlotPoolOptions } from './slot-pool.ts';

/** Recorded outcome of a call the server answered with a status other than OK. */
const NOT_OK = 500;

const { HTTP2_HEADER_PATH, HTTP2_HEADER_METHOD, HTTP2_HEADER_STATUS, HTTP2_HEADER_AUTHORITY, HTTP2_HEADER_CONTENT_TYPE, HTTP2_HEADER_TE } = http2.constants;

/** One gRPC message on the wire: a compressed flag (0), its length (4 bytes, big-endian), the message. */
export function grpcFrame(message: Buffer): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  return frame;
}

/** A unary call's status: grpc-status in the trailers, or in the headers of a trailers-only answer. */
export function grpcOutcome(headers: http2.IncomingHttpHeaders, trailers: http2.IncomingHttpHeaders | undefined): number | 'other' {
  if (Number(headers[HTTP2_HEADER_STATUS]) !== 200) return NOT_OK;
  const status = trailers?.['grpc-status'] ?? headers['grpc-status'];
  if (status === undefined) return 'other';
  return status === '0' ? 200 : NOT_OK;
}

export function grpcExchange(target: URL): Http2Exchange {
  return {
    headers: {
      [HTTP2_HEADER_METHOD]: 'POST',
      [HTTP2_HEADER_PATH]: GRPC_PING_PATH,
      [HTTP2_HEADER_AUTHORITY]: target.host,
      [HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
      [HTTP2_HEADER_TE]: 'trailers',
      'user-agent': 'meshbench',
    },
    body: grpcFrame(encodePing({ ...emptyPing(), seq: 1n })),
    outcome: grpcOutcome,
  };
}

export function grpcPool(o: SlotPoolOptions): Http2Pool {
  return new Http2Pool(o, grpcExchange(o.target));
}
