/** The pool for a target that is not HTTP/1.1 (that one is Http1Pool, which the pacing threads also use). */
import { grpcPool } from './grpc-pool.ts';
import { Http2Pool } from './http2-pool.ts';
import { checkStreams, protocolPoolOf, type SlotPool, type SlotPoolOptions } from './slot-pool.ts';
import { TcpPool } from './tcp-pool.ts';

export function openProtocolPool(o: SlotPoolOptions): SlotPool {
  checkStreams(o.target, o.streamsPerConnection);
  const protocol = protocolPoolOf(o.target);
  if (protocol === 'http2') return new Http2Pool(o);
  if (protocol === 'grpc') return grpcPool(o);
  if (protocol === 'tcp') return new TcpPool(o);
  throw new RangeError(`HTTP/1.1 targets use Http1Pool, not a protocol pool (${o.target.href})`);
}
