/**
 * Raw TCP request/response for the load engines: N connections, one request in flight on each.
 * A request is `messageBytes` bytes; it is answered when as many bytes have come back (the
 * workload's echo, framed by size alone). A completed exchange is recorded as 200, the ok of a
 * protocol without status. A connection that fails fails its request and is opened again by the
 * next request on it.
 */
import net from 'node:net';
import { classifyError } from './types.ts';
import { SlotTable, type SlotPool, type SlotPoolOptions } from './slot-pool.ts';

const OK = 200;

export class TcpPool implements SlotPool {
  private readonly sockets: (net.Socket | null)[];
  /** Bytes still to come back for each connection's request. */
  private readonly awaiting: Float64Array;
  private readonly table: SlotTable<net.Socket>;
  private readonly request: Buffer;
  private readonly host: string;
  private readonly port: number;

  constructor(o: SlotPoolOptions) {
    if (!(o.messageBytes >= 1)) throw new RangeError(`tcp requests need a size of 1 byte or more, not ${o.messageBytes}`);
    this.request = Buffer.alloc(o.messageBytes, 'x');
    this.host = o.target.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(o.target.port);
    this.sockets = new Array<net.Socket | null>(o.connections).fill(null);
    this.awaiting = new Float64Array(o.connections);
    // A timed-out exchange leaves the echo's framing unknown: its connection is dropped.
    this.table = new SlotTable<net.Socket>(o.connections, o.timeoutMs, o.complete, (socket) => this.drop(this.sockets.indexOf(socket)));
  }

  send(slot: number): void {
    const socket = this.sockets[slot] ?? this.connect(slot);
    this.awaiting[slot] = this.request.length;
    this.table.start(slot, socket);
    socket.write(this.request);
  }

  close(): void {
    this.table.close();
    for (let c = 0; c < this.sockets.length; c++) this.drop(c);
  }

  private connect(c: number): net.Socket {
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    socket.on('data', (chunk) => {
      if (this.sockets[c] !== socket) return;
      const left = this.awaiting[c]! - chunk.length;
      this.awaiting[c] = left;
      if (left <= 0) this.table.end(c, socket, OK);
    });
    const fail = (outcome: ReturnType<typeof classifyError>) => {
      if (this.sockets[c] !== socket) return;
      this.drop(c);
      this.table.end(c, socket, outcome);
    };
    socket.on('error', (error) => fail(classifyError(error)));
    socket.on('end', () => fail('reset'));
    socket.on('close', () => fail('reset'));
    this.sockets[c] = socket;
    return socket;
  }

  private drop(c: number): void {
    if (c < 0) return;
    const socket = this.sockets[c];
    this.sockets[c] = null;
    socket?.destroy();
  }
}
