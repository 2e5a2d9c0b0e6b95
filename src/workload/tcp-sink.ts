/**
 * The TCP workload's sink, for `load.mode: bandwidth`: as iperf3's server, it reads and discards,
 * and counts what it received, so the figure is goodput at the receiver, not bytes that sat in a
 * send buffer. It shares the echo's port (a mesh's capture and proxies see one service), and a
 * connection says which it wants in its first line:
 *
 *   `MBSINK1 <token>\n` then any bytes: discarded, counted under the token (a loader's run);
 *   `MBSTAT1 <token>\n`: answered `<bytes> <sinkClockUs>\n`, the token's count so far and the
 *   sink's monotonic clock, so the loader can difference two answers over the sink's own interval
 *   (iperf3's receiver figure). The connection stays open for more such lines: a loader opens it
 *   before the window, so a reading at an edge costs one line, not a handshake through the proxies.
 *
 * Anything else is an echo connection (tcp-echo.ts). The echo's requests are `x`s, so no request
 * is mistaken for a line; the sink is decided from the first bytes that cannot begin a line.
 */
import net from 'node:net';

export const SINK_HELLO = 'MBSINK1 ';
export const SINK_STATS = 'MBSTAT1 ';
const TOKEN = /^[A-Za-z0-9-]{1,64}$/;
/** A first line longer than this is not ours. */
const MAX_LINE = 80;

/** The first line of a sink connection for a run's `token`. */
export const sinkHello = (token: string): string => `${SINK_HELLO}${token}\n`;
export const sinkStatsRequest = (token: string): string => `${SINK_STATS}${token}\n`;

export interface SinkReading {
  bytes: number;
  /** The sink's monotonic clock when it read the count, µs. */
  atUs: number;
}

export function parseSinkReading(line: string): SinkReading {
  const m = /^(\d+) (\d+)\n?$/.exec(line);
  if (!m) throw new Error(`the sink answered ${JSON.stringify(line.slice(0, 80))}, not "<bytes> <clockUs>": is the target meshbench's own tcp workload?`);
  return { bytes: Number(m[1]), atUs: Number(m[2]) };
}

const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** Bytes received per token, over the life of one workload process. */
export class SinkCounters {
  private readonly bytes = new Map<string, number>();

  add(token: string, n: number): void {
    this.bytes.set(token, (this.bytes.get(token) ?? 0) + n);
  }

  reading(token: string): string {
    return `${this.bytes.get(token) ?? 0} ${monotonicUs()}\n`;
  }
}

/**
 * Reads a fresh connection's first bytes and hands it on: to the sink, to a stats answer, or to
 * `echo` with the bytes read so far. Listens for `data` until it has decided, and no longer.
 */
export function sniffConnection(socket: net.Socket, counters: SinkCounters, echo: (first: Buffer) => void): void {
  let head: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = head.length ? Buffer.concat([head, chunk]) : chunk;
    const kind = lineKind(head);
    if (kind === 'undecided') return;
    socket.off('data', onData);
    if (kind === 'echo') return echo(head);
    const end = head.indexOf(0x0a);
    if (end < 0) {
      if (head.length <= MAX_LINE) return socket.on('data', onData);
      return socket.destroy();
    }
    const token = head.subarray(SINK_HELLO.length, end).toString('latin1');
    if (!TOKEN.test(token)) return socket.destroy();
    if (kind === 'stats') return answerReadings(socket, counters, head);
    counters.add(token, head.length - end - 1);
    // Discard as iperf3's server does: count, keep nothing.
    countWithoutCopies(socket, (n) => counters.add(token, n));
  };
  socket.on('data', onData);
}

/** Answers every `MBSTAT1 <token>\n` line of a stats connection, from `buffered` on; anything else ends it. */
function answerReadings(socket: net.Socket, counters: SinkCounters, buffered: Buffer): void {
  let text = '';
  const take = (chunk: Buffer) => {
    text += chunk.toString('latin1');
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n')) {
      const line = text.slice(0, end);
      text = text.slice(end + 1);
      const token = line.startsWith(SINK_STATS) ? line.slice(SINK_STATS.length) : '';
      if (!TOKEN.test(token)) return void socket.destroy();
      socket.write(counters.reading(token));
    }
    if (text.length > MAX_LINE) socket.destroy();
  };
  socket.on('data', take);
  take(buffered);
}

/** One buffer every sink connection reads into: what is read is counted and dropped at once. */
const SINK_BUFFER = Buffer.allocUnsafe(1024 * 1024);

interface StreamHandle {
  readStop(): number;
  reading: boolean;
}

/**
 * Counts what `socket` reads from now on without a Buffer per read. Node gives every read of a
 * socket a new 64 KiB Buffer; reading into one 1 MiB buffer instead (`onread`) took the sink from
 * ~0.76 to ~0.35-0.5 CPU seconds per GB on loopback here, where the sink was the first to run out of
 * CPU (bench/README.md, section 9). net.Server has no `onread`, so the accepted socket's handle
 * (`_handle`, not a documented field) moves to a Socket that has one; without a handle as expected
 * the sink counts 'data' events as before.
 */
function countWithoutCopies(socket: net.Socket, count: (n: number) => void): void {
  const holder = socket as unknown as { _handle: StreamHandle | null };
  const handle = holder._handle;
  if (!handle || typeof handle.readStop !== 'function') {
    socket.on('data', (data: Buffer) => count(data.length));
    return;
  }
  socket.pause();
  handle.readStop();
  handle.reading = false;
  holder._handle = null;
  // What the old socket read but did not hand out yet (nothing, in flowing mode, but be sure).
  for (let data = socket.read() as Buffer | null; data !== null; data = socket.read() as Buffer | null) count(data.length);
  socket.destroy();
  const reader = new net.Socket({ handle: handle as never, onread: { buffer: SINK_BUFFER, callback: (n: number) => (count(n), true) } });
  reader.on('error', () => reader.destroy());
  reader.resume();
}

/** Which connection `head` begins, as far as its bytes tell. */
function lineKind(head: Buffer): 'sink' | 'stats' | 'echo' | 'undecided' {
  for (const [magic, kind] of [[SINK_HELLO, 'sink'], [SINK_STATS, 'stats']] as const) {
    const n = Math.min(head.length, magic.length);
    if (head.subarray(0, n).toString('latin1') === magic.slice(0, n)) return n === magic.length ? kind : 'undecided';
  }
  return 'echo';
}
