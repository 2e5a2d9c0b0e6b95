/**
 * HTTP/2 for the load engines, without TLS (h2c, prior knowledge) or over the workload's own TLS
 * (h2: ALPN h2, the run's CA trusted, tls-dial.ts): N sessions, each carrying up to
 * `streamsPerConnection` requests at once (slot k on session k mod N). What a request is and what
 * its answer counts as is an `Http2Exchange`: a GET whose status is the outcome (h2c, h2, here) or
 * a gRPC unary call (grpc-pool.ts). The body is read and dropped. A session that fails fails its
 * requests in flight (their class from its error) and is opened again by the next request on it.
 */
import http2 from 'node:http2';
import net from 'node:net';
import type { ErrorClass } from '../results/model.ts';
import { classifyError } from './types.ts';
import { SlotTable, type SlotPool, type SlotPoolOptions } from './slot-pool.ts';
import { TlsDialer } from './tls-dial.ts';

const { HTTP2_HEADER_PATH, HTTP2_HEADER_METHOD, HTTP2_HEADER_STATUS, HTTP2_HEADER_AUTHORITY, NGHTTP2_CANCEL } = http2.constants;
/** The body is read (so flow control goes on) and dropped: one listener for every stream. */
const dropBody = (): void => {};

export interface Http2Exchange {
  /** Every request's headers (the same object each time: node:http2 copies them). */
  headers: http2.OutgoingHttpHeaders;
  /** The request's body, the same bytes each time; null for none (the stream ends with its headers). */
  body: Buffer | null;
  /** What a stream that ended cleanly counts as, from its response headers and trailers (absent: none came). */
  outcome(headers: http2.IncomingHttpHeaders, trailers: http2.IncomingHttpHeaders | undefined): number | ErrorClass;
}

/** h2c and h2: a GET of the target's path; the response's status is the outcome. */
export function getExchange(target: URL): Http2Exchange {
  return {
    headers: { [HTTP2_HEADER_METHOD]: 'GET', [HTTP2_HEADER_PATH]: `${target.pathname}${target.search}`, [HTTP2_HEADER_AUTHORITY]: target.host, 'user-agent': 'meshbench' },
    body: null,
    outcome: (headers) => Number(headers[HTTP2_HEADER_STATUS]) || 'other',
  };
}

export class Http2Pool implements SlotPool {
  private readonly sessions: (http2.ClientHttp2Session | null)[];
  private readonly table: SlotTable<http2.ClientHttp2Stream>;
  private readonly origin: string;
  private readonly exchange: Http2Exchange;
  private readonly streams: number;
  private readonly host: string;
  private readonly port: number;
  private readonly tls: TlsDialer | undefined;

  constructor(o: SlotPoolOptions, exchange: Http2Exchange = getExchange(o.target)) {
    this.tls = o.target.protocol === 'h2:' ? new TlsDialer(o.target, 'h2', o.trust) : undefined;
    this.origin = `${this.tls ? 'https' : 'http'}://${o.target.host}`;
    this.exchange = exchange;
    this.sessions = new Array<http2.ClientHttp2Session | null>(o.connections).fill(null);
    this.streams = o.streamsPerConnection;
    this.host = o.target.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(o.target.port) || 80;
    this.table = new SlotTable(o.connections * o.streamsPerConnection, o.timeoutMs, o.complete, (stream) => stream.close(NGHTTP2_CANCEL));
  }

  send(slot: number): void {
    const c = slot % this.sessions.length;
    const session = this.sessions[c] ?? this.connect(c);
    const { body } = this.exchange;
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request(this.exchange.headers, { endStream: body === null });
    } catch (error) {
      // A session closing or past its stream ids: this request fails, the next opens a new one.
      const failed = {} as http2.ClientHttp2Stream;
      this.table.start(slot, failed);
      this.drop(c);
      return this.table.end(slot, failed, classifyError(error));
    }
    this.table.start(slot, stream);
    if (body !== null) stream.end(body);
    let headers: http2.IncomingHttpHeaders | undefined;
    let trailers: http2.IncomingHttpHeaders | undefined;
    stream.on('response', (h) => (headers = h));
    stream.on('trailers', (t) => (trailers = t));
    stream.on('data', dropBody);
    const ended = () => (headers ? this.exchange.outcome(headers, trailers) : 'other');
    stream.on('end', () => this.table.end(slot, stream, ended()));
    // A stream the peer reset (RST_STREAM) errors with ERR_HTTP2_STREAM_ERROR: HTTP/2's reset.
    stream.on('error', (error: NodeJS.ErrnoException) => this.table.end(slot, stream, error.code === 'ERR_HTTP2_STREAM_ERROR' ? 'reset' : classifyError(error)));
    stream.on('close', () => this.table.end(slot, stream, headers && stream.rstCode === 0 ? ended() : 'reset'));
  }

  close(): void {
    this.table.close();
    for (let c = 0; c < this.sessions.length; c++) this.drop(c);
  }

  private connect(c: number): http2.ClientHttp2Session {
    // The peer's limit is learnt with its SETTINGS; until then allow what this pool will open.
    const session = http2.connect(this.origin, {
      peerMaxConcurrentStreams: this.streams,
      settings: { enablePush: false },
      // The socket is ours to open (HTTP/2 forbids touching it after): without Nagle, as HTTP/1.1's.
      createConnection: () => this.tls?.dial() ?? net.connect({ host: this.host, port: this.port, noDelay: true }),
    });
    session.on('error', (error) => this.failSession(c, session, classifyError(error)));
    session.on('goaway', () => this.failSession(c, session, 'reset'));
    session.on('close', () => this.failSession(c, session, 'reset'));
    this.sessions[c] = session;
    return session;
  }

  private failSession(c: number, session: http2.ClientHttp2Session, outcome: 'reset' | ReturnType<typeof classifyError>): void {
    if (this.sessions[c] !== session) return;
    this.drop(c);
    const n = this.sessions.length;
    for (let slot = c; slot < this.table.current.length; slot += n) {
      const stream = this.table.current[slot];
      if (stream) this.table.end(slot, stream, outcome);
    }
  }

  private drop(c: number): void {
    const session = this.sessions[c];
    this.sessions[c] = null;
    session?.destroy();
  }
}
