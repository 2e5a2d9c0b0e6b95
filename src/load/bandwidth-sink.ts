/**
 * The loader's side of the TCP sink (workload/tcp-sink.ts): the first line of a sink connection,
 * and readings of the sink's count for a run's token over a connection of their own, which takes
 * the same path, proxies and all, as the data. The connection is opened before the window, so a
 * reading at an edge is one line each way: a new connection's handshake (mTLS through two
 * sidecars, or a ztunnel's HBONE) at each edge added tens of ms of skew to the sink's interval.
 */
import net from 'node:net';
import { parseSinkReading, sinkHello, sinkStatsRequest, type SinkReading } from '../workload/tcp-sink.ts';

export { sinkHello, type SinkReading };

export function hostOf(target: URL): string {
  return target.hostname.replace(/^\[|\]$/g, '');
}

/** A stats connection to the sink: one reading at a time. */
export class SinkReader {
  private readonly socket: net.Socket;
  private readonly connected: Promise<void>;
  private text = '';
  private waiting: { resolve(r: SinkReading): void; reject(e: Error): void } | null = null;
  private broken: Error | null = null;
  private readonly target: URL;
  private readonly token: string;

  constructor(target: URL, token: string) {
    this.target = target;
    this.token = token;
    this.socket = net.connect({ host: hostOf(target), port: Number(target.port), noDelay: true });
    this.socket.setEncoding('latin1');
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.connected.catch(() => undefined);
    this.socket.on('data', (chunk: string) => {
      this.text += chunk;
      const end = this.text.indexOf('\n');
      if (end < 0 || !this.waiting) return;
      const line = this.text.slice(0, end + 1);
      this.text = this.text.slice(end + 1);
      const w = this.waiting;
      this.waiting = null;
      try {
        w.resolve(parseSinkReading(line));
      } catch (e) {
        w.reject(e as Error);
      }
    });
    const fail = (error: Error) => {
      this.broken ??= error;
      this.waiting?.reject(error);
      this.waiting = null;
    };
    this.socket.on('error', (e) => fail(new Error(`cannot read the sink at ${target.host}: ${e.message}`)));
    this.socket.on('close', () => fail(new Error(`the sink at ${target.host} closed its stats connection`)));
  }

  /** The sink's count and clock now; rejects after `timeoutMs`. */
  async read(timeoutMs: number): Promise<SinkReading> {
    await this.connected;
    if (this.broken) throw this.broken;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        // A late answer would be taken for the next reading's: this connection is done.
        this.broken = new Error(`the sink at ${this.target.host} did not answer a reading within ${timeoutMs} ms`);
        reject(this.broken);
      }, timeoutMs);
      this.waiting = {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      this.socket.write(sinkStatsRequest(this.token));
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** One reading over a connection of its own. */
export async function readSink(target: URL, token: string, timeoutMs: number): Promise<SinkReading> {
  const reader = new SinkReader(target, token);
  try {
    return await reader.read(timeoutMs);
  } finally {
    reader.close();
  }
}
