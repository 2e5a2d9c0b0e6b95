/**
 * What the open and closed loops send through: `slots` requests may be in flight at once, and
 * slot k's request is sent by `send(k)` and ends with one `complete(k, outcome, nowMs)`. HTTP/1.1
 * and TCP have one slot per connection; HTTP/2 and gRPC have `streamsPerConnection` slots per
 * connection, slot k on connection k mod N, so requests spread over the connections and no
 * connection ever has more than its streams in flight.
 */
import type { ErrorClass } from '../results/model.ts';
import type { CompleteFn } from './http1.ts';
import { epochNowMs } from './http1.ts';
import { protocolOfUrl, type WorkloadTrust } from '../workload/protocol.ts';

export interface SlotPool {
  send(slot: number): void;
  close(): void;
}

export interface SlotPoolOptions {
  target: URL;
  connections: number;
  /** h2c and grpc: requests in flight at once per connection. */
  streamsPerConnection: number;
  /** tcp: the size of each request and of its echo. */
  messageBytes: number;
  timeoutMs: number;
  complete: CompleteFn;
  /** h2: what to trust (the run's workload CA). */
  trust?: WorkloadTrust;
}

/**
 * Per-slot bookkeeping shared by the protocol pools: which request of the slot is current (a late
 * callback of an earlier one is ignored), its send time, and one timeout sweep per pool.
 */
export class SlotTable<Request> {
  readonly sentAtMs: Float64Array;
  readonly current: (Request | null)[];
  private readonly complete: CompleteFn;
  private readonly sweep: NodeJS.Timeout;

  constructor(slots: number, timeoutMs: number, complete: CompleteFn, cancel: (request: Request) => void) {
    this.sentAtMs = new Float64Array(slots);
    this.current = new Array<Request | null>(slots).fill(null);
    this.complete = complete;
    // Swept, not timed one by one, as Http1Pool does: a timeout is reported at send + timeout.
    const periodMs = Math.max(1, Math.min(10, timeoutMs / 10));
    this.sweep = setInterval(() => {
      const now = epochNowMs();
      for (let s = 0; s < slots; s++) {
        const r = this.current[s];
        if (r !== null && r !== undefined && now - this.sentAtMs[s]! >= timeoutMs) {
          this.end(s, r, 'timeout', this.sentAtMs[s]! + timeoutMs);
          cancel(r);
        }
      }
    }, periodMs);
  }

  start(slot: number, request: Request): void {
    this.sentAtMs[slot] = epochNowMs();
    this.current[slot] = request;
  }

  /** Ends `request` on `slot` once; a request that is no longer the slot's current one is ignored. */
  end(slot: number, request: Request, outcome: number | ErrorClass, nowMs = epochNowMs()): void {
    if (this.current[slot] !== request) return;
    this.current[slot] = null;
    this.complete(slot, outcome, nowMs);
  }

  close(): void {
    clearInterval(this.sweep);
    this.current.fill(null);
  }
}

/** Which pool speaks a target: its URL scheme names the protocol (workload/protocol.ts); HTTP/2 with or without TLS is one pool. */
export function protocolPoolOf(target: URL): 'http1' | 'http2' | 'grpc' | 'tcp' {
  const p = protocolOfUrl(target);
  if (!p) throw new RangeError(`the load engine speaks http:, https:, h2c:, h2:, grpc: and tcp: targets, not ${target.protocol} (${target.href})`);
  return p === 'http1' || p === 'https' ? 'http1' : p === 'h2c' || p === 'h2' ? 'http2' : p;
}

/** Checks that a protocol can have the streams asked for: only HTTP/2 multiplexes. */
export function checkStreams(target: URL, streamsPerConnection: number): void {
  const p = protocolPoolOf(target);
  if (streamsPerConnection !== 1 && p !== 'http2' && p !== 'grpc') throw new RangeError(`${streamsPerConnection} streams per connection need h2c, h2 or grpc; ${target.protocol} carries one request per connection at a time`);
}

/**
 * How an engine label names what it spoke: "http/1.1", "h2c, 100 streams per connection", "grpc",
 * "tcp", and over TLS what the handshake negotiated: "https (TLSv1.3, ALPN http/1.1)".
 */
export function protocolLabel(scheme: string, streamsPerConnection: number, tls?: string): string {
  const name = `${scheme === 'http:' ? 'http/1.1' : scheme.replace(/:$/, '')}${tls ? ` (${tls})` : ''}`;
  return streamsPerConnection > 1 ? `${name}, ${streamsPerConnection} streams per connection` : name;
}
