/**
 * The sample service over raw TCP: a request is `payloadBytes` bytes, and once all of them are in
 * the service (after its delay) sends them back. Requests are framed by that fixed size alone, so
 * the load engine and the service must agree on it (both take it from the scenario). No error rate
 * or faults: TCP has no status to fail with (the scenario's rules say so). A connection that opens
 * with the sink's line is the sink's instead (tcp-sink.ts, `load.mode: bandwidth`).
 */
import net from 'node:net';
import { serviceDelay, type WorkloadOptions } from './service.ts';
import { SinkCounters, sniffConnection } from './tcp-sink.ts';

export function createTcpEchoServer(o: WorkloadOptions): net.Server {
  const size = o.payloadBytes;
  if (!(size >= 1)) throw new RangeError(`the tcp workload echoes requests of payloadBytes, which must be 1 or more, not ${size}`);
  const delay = serviceDelay(o);
  const counters = new SinkCounters();
  return net.createServer({ noDelay: true }, (socket) => {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const echo = (chunk: Buffer) => {
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= size) {
        const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
        const request = all.subarray(0, size);
        const rest = all.subarray(size);
        pending = rest.length ? [rest] : [];
        pendingBytes = rest.length;
        delay.arrived();
        delay.then(() => {
          if (!socket.destroyed) socket.write(request);
        });
      }
    };
    sniffConnection(socket, counters, (first) => {
      socket.on('data', echo);
      echo(first);
    });
    socket.on('error', () => socket.destroy());
  });
}
