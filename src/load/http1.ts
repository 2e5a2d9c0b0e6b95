/**
 * The load engines' connection layer: HTTP/1.1 keep-alive connections on raw sockets, one request
 * in flight per connection. Built for the hot path: the request bytes are made once, responses are
 * read into one buffer shared by the pool (`onread`, no Buffer per read) and parsed byte by byte
 * (status, Content-Length, chunked, Connection: close, 1xx), and timeouts are swept by one timer
 * per pool (http1-pool.ts) instead of a timer per request. A timeout is reported at its exact
 * time (send + timeout), whenever the sweep notices it, so the recorded time to failure is the
 * timeout itself.
 */
import net from 'node:net';
import type { ErrorClass } from '../results/model.ts';
import type { TlsDialer } from './tls-dial.ts';
import { classifyError } from './types.ts';

/** Receives the end of each request: an HTTP status, or the class of its failure. */
export type CompleteFn = (connection: number, outcome: number | ErrorClass, nowMs: number) => void;

/** Epoch milliseconds with sub-ms resolution, comparable across worker threads. */
export function epochNowMs(): number {
  return performance.timeOrigin + performance.now();
}

// Parser states.
const IDLE = 0;
const HEAD = 1;
const BODY = 2;
const CHUNK_SIZE = 3;
const CHUNK_DATA = 4;
const CHUNK_DATA_END = 5;
const TRAILERS = 6;
const UNTIL_CLOSE = 7;

const LF = 10;
const CR = 13;
/** Header lines are kept up to this length: enough for every header the parser looks at. */
const LINE_BYTES = 128;
const CONTENT_LENGTH = Buffer.from('content-length:');
const TRANSFER_ENCODING = Buffer.from('transfer-encoding:');
const CONNECTION = Buffer.from('connection:');

export class Http1Connection {
  busy = false;
  sentAtMs = 0;
  private socket: net.Socket | null = null;
  private connected = false;
  private readonly index: number;
  private readonly target: URL;
  private readonly request: Buffer;
  private readonly readBuffer: Buffer;
  private readonly complete: CompleteFn;
  private readonly beforeClose: (connection: number) => void;
  private readonly onRead: (nread: number, buffer: Buffer) => boolean;
  private readonly onData: (chunk: Buffer) => void;
  /** https: targets: TLS connections (tls-dial.ts), read as 'data' (a TLS socket has no onread). */
  private readonly tls: TlsDialer | undefined;
  // Parser state of the response in flight.
  private state = IDLE;
  private status = 0;
  private remaining = 0;
  private firstLine = true;
  private chunked = false;
  private contentLength = -1;
  private closeAfter = false;
  private readonly line = Buffer.alloc(LINE_BYTES);
  private lineLength = 0;

  constructor(index: number, target: URL, request: Buffer, readBuffer: Buffer, complete: CompleteFn, beforeClose: (connection: number) => void = () => {}, tls?: TlsDialer) {
    if (target.protocol === 'https:' && !tls) throw new RangeError(`an https: target needs a TLS dialer (${target.href})`);
    this.tls = tls;
    this.index = index;
    this.target = target;
    this.request = request;
    this.readBuffer = readBuffer;
    this.complete = complete;
    this.beforeClose = beforeClose;
    this.onRead = (nread, buffer) => {
      this.parse(buffer, 0, nread);
      return true;
    };
    this.onData = (chunk) => this.parse(chunk, 0, chunk.length);
  }

  send(): void {
    this.expect(epochNowMs());
    (this.socket ?? this.connect()).write(this.request);
  }

  /**
   * Ready for a response to a request someone else writes (the `thread` pacing's sender) at
   * `sentAtMs`: busy, its parser reset. The response may be read before the writer says it wrote.
   */
  expect(sentAtMs: number): void {
    this.busy = true;
    this.sentAtMs = sentAtMs;
    this.state = HEAD;
    this.firstLine = true;
    this.lineLength = 0;
    this.chunked = false;
    this.contentLength = -1;
    this.closeAfter = false;
  }

  /** Writes the request from byte `from` on: the rest after another writer's partial write. */
  writeFrom(from: number): void {
    (this.socket ?? this.connect()).write(from === 0 ? this.request : this.request.subarray(from));
  }

  /**
   * The connected socket's file descriptor, for a writer on another thread; -1 when there is
   * none (not connected, TLS, or not on a system that has them). Node documents no way to get
   * it: `_handle.fd` is the TCP handle's own field (Unix).
   */
  get fd(): number {
    if (!this.connected || this.target.protocol !== 'http:') return -1;
    const handle = (this.socket as unknown as { _handle?: { fd?: unknown } } | null)?._handle;
    return typeof handle?.fd === 'number' && handle.fd >= 0 ? handle.fd : -1;
  }

  /** Opens the connection ahead of the first request on it, so another writer finds it ready. */
  open(): void {
    this.socket ??= this.connect();
  }

  /** The request in flight failed: report it once, and drop the socket (it is in an unknown state). */
  fail(error: ErrorClass, nowMs: number): void {
    this.drop();
    if (!this.busy) return;
    this.busy = false;
    this.state = IDLE;
    this.complete(this.index, error, nowMs);
  }

  close(): void {
    this.busy = false;
    this.drop();
  }

  private connect(): net.Socket {
    const port = Number(this.target.port) || 80;
    const host = this.target.hostname.replace(/^\[|\]$/g, '');
    const socket = this.tls ? this.tls.dial() : net.connect({ host, port, noDelay: true, onread: { buffer: this.readBuffer, callback: this.onRead } });
    if (this.tls) socket.on('data', this.onData);
    socket.once('connect', () => {
      if (socket === this.socket) this.connected = true;
    });
    socket.on('error', (error) => {
      if (socket === this.socket) this.fail(classifyError(error), epochNowMs());
    });
    socket.on('end', () => {
      if (socket !== this.socket) return;
      if (this.busy && this.state === UNTIL_CLOSE) this.finish();
      else this.fail('reset', epochNowMs());
    });
    socket.on('close', () => {
      if (socket === this.socket) this.fail('reset', epochNowMs());
    });
    this.socket = socket;
    return socket;
  }

  private drop(): void {
    const socket = this.socket;
    this.socket = null;
    this.connected = false;
    if (socket) this.beforeClose(this.index);
    socket?.destroy();
  }

  private finish(): void {
    this.busy = false;
    this.state = IDLE;
    if (this.closeAfter) this.drop();
    // May send the next request on this connection right away.
    this.complete(this.index, this.status, epochNowMs());
  }

  private parse(b: Buffer, start: number, end: number): void {
    let i = start;
    while (i < end) {
      switch (this.state) {
        case HEAD: {
          const byte = b[i++]!;
          if (byte !== LF) {
            if (byte !== CR && this.lineLength < LINE_BYTES) this.line[this.lineLength++] = byte;
            break;
          }
          if (this.lineLength > 0 || this.firstLine) this.headLine();
          else this.endOfHead();
          this.lineLength = 0;
          break;
        }
        case BODY: {
          const take = Math.min(this.remaining, end - i);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.finish();
          break;
        }
        case CHUNK_SIZE: {
          const byte = b[i++]!;
          if (byte === LF) {
            if (this.remaining === 0) this.state = TRAILERS;
            else this.state = CHUNK_DATA;
            this.lineLength = 0;
          } else if (this.lineLength === 0) {
            // Hex digits until a chunk extension (';') or the line end.
            const digit = byte >= 48 && byte <= 57 ? byte - 48 : (byte | 32) >= 97 && (byte | 32) <= 102 ? (byte | 32) - 87 : -1;
            if (digit >= 0) this.remaining = this.remaining * 16 + digit;
            else this.lineLength = 1;
          }
          break;
        }
        case CHUNK_DATA: {
          const take = Math.min(this.remaining, end - i);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = CHUNK_DATA_END;
          break;
        }
        case CHUNK_DATA_END: {
          if (b[i++] === LF) {
            this.state = CHUNK_SIZE;
            this.remaining = 0;
            this.lineLength = 0;
          }
          break;
        }
        case TRAILERS: {
          const byte = b[i++]!;
          if (byte === LF) {
            if (this.lineLength === 0) this.finish();
            this.lineLength = 0;
          } else if (byte !== CR) this.lineLength = 1;
          break;
        }
        default:
          // UNTIL_CLOSE: the body runs to the end of the connection. IDLE: nothing was asked for.
          i = end;
      }
    }
  }

  private headLine(): void {
    const line = this.line;
    const n = this.lineLength;
    if (this.firstLine) {
      // "HTTP/1.1 200 OK": the status is bytes 9 to 11; HTTP/1.0 closes unless told otherwise.
      this.firstLine = false;
      this.status = (line[9]! - 48) * 100 + (line[10]! - 48) * 10 + (line[11]! - 48);
      this.closeAfter = line[7] === 48;
    } else if (startsWithName(line, n, CONTENT_LENGTH)) {
      let value = 0;
      for (let k = CONTENT_LENGTH.length; k < n; k++) if (line[k]! >= 48 && line[k]! <= 57) value = value * 10 + line[k]! - 48;
      this.contentLength = value;
    } else if (startsWithName(line, n, TRANSFER_ENCODING)) {
      this.chunked = includesLower(line, n, 'chunked');
    } else if (startsWithName(line, n, CONNECTION)) {
      if (includesLower(line, n, 'close')) this.closeAfter = true;
      else if (includesLower(line, n, 'keep-alive')) this.closeAfter = false;
    }
  }

  private endOfHead(): void {
    const s = this.status;
    if (s >= 100 && s < 200) {
      // An interim response (100 Continue, 103 Early Hints): the real one follows.
      this.firstLine = true;
      return;
    }
    if (s === 204 || s === 304) this.finish();
    else if (this.chunked) {
      this.state = CHUNK_SIZE;
      this.remaining = 0;
      this.lineLength = 0;
    } else if (this.contentLength === 0) this.finish();
    else if (this.contentLength > 0) {
      this.state = BODY;
      this.remaining = this.contentLength;
    } else {
      this.state = UNTIL_CLOSE;
      this.closeAfter = true;
    }
  }
}

function startsWithName(line: Buffer, n: number, name: Buffer): boolean {
  if (n < name.length) return false;
  for (let k = 0; k < name.length; k++) if ((line[k]! | 32) !== name[k]) return false; // | 32: ASCII lower case
  return true;
}

function includesLower(line: Buffer, n: number, word: string): boolean {
  outer: for (let k = 0; k + word.length <= n; k++) {
    for (let j = 0; j < word.length; j++) if ((line[k + j]! | 32) !== word.charCodeAt(j)) continue outer;
    return true;
  }
  return false;
}
