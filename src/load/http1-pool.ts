/**
 * The load engines' pool of HTTP/1.1 connections (http1.ts): the request made once, one read
 * buffer for all, and one timeout sweep per pool instead of a timer per request.
 */
import type { WorkloadTrust } from '../workload/protocol.ts';
import { epochNowMs, Http1Connection, type CompleteFn } from './http1.ts';
import { TlsDialer } from './tls-dial.ts';

export interface PoolOptions {
  target: URL;
  connections: number;
  timeoutMs: number;
  complete: CompleteFn;
  /** Called before a connection's socket is closed: a writer on another thread must let go of it first. */
  beforeClose?: (connection: number) => void;
  /** https: what to trust (the run's workload CA); absent: the system's CAs. */
  trust?: WorkloadTrust;
}

export class Http1Pool {
  readonly connections: Http1Connection[];
  /** The request's bytes, made once. */
  readonly request: Buffer;
  private readonly sweep: NodeJS.Timeout;

  constructor(o: PoolOptions) {
    if (o.target.protocol !== 'http:' && o.target.protocol !== 'https:') throw new RangeError(`the load engine speaks HTTP/1.1 over http: or https:, not ${o.target.protocol}`);
    this.request = Buffer.from(`GET ${o.target.pathname}${o.target.search} HTTP/1.1\r\nHost: ${o.target.host}\r\nUser-Agent: meshbench\r\nAccept: */*\r\n\r\n`, 'latin1');
    const request = this.request;
    // One read buffer for every connection: each read is parsed before the next one arrives.
    const readBuffer = Buffer.alloc(64 * 1024);
    // One dialer for the pool: a reconnect resumes the session another connection got.
    const tls = o.target.protocol === 'https:' ? new TlsDialer(o.target, 'http/1.1', o.trust) : undefined;
    this.connections = Array.from({ length: o.connections }, (_, i) => new Http1Connection(i, o.target, request, readBuffer, o.complete, o.beforeClose, tls));
    // Timeouts are swept, not timed one by one; the sweep's period only delays the report.
    const periodMs = Math.max(1, Math.min(10, o.timeoutMs / 10));
    this.sweep = setInterval(() => {
      const now = epochNowMs();
      for (const c of this.connections) if (c.busy && now - c.sentAtMs >= o.timeoutMs) c.fail('timeout', c.sentAtMs + o.timeoutMs);
    }, periodMs);
  }

  send(connection: number): void {
    this.connections[connection]!.send();
  }

  close(): void {
    clearInterval(this.sweep);
    for (const c of this.connections) c.close();
  }
}
