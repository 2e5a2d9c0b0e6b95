/**
 * The loader's side of the TCP sink (workload/tcp-sink.ts): the first line of a sink connection,
 * and a reading of the sink's count for a run's token, asked over a connection of its own (so it
 * takes the same path, proxies and all, as the data).
 */
import net from 'node:net';
import { parseSinkReading, sinkHello, sinkStatsRequest, type SinkReading } from '../workload/tcp-sink.ts';

export { sinkHello, type SinkReading };

export function hostOf(target: URL): string {
  return target.hostname.replace(/^\[|\]$/g, '');
}

/** The sink's count of bytes received under `token`, with its clock. Rejects after `timeoutMs`. */
export function readSink(target: URL, token: string, timeoutMs: number): Promise<SinkReading> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostOf(target), port: Number(target.port), noDelay: true });
    let answer = '';
    const timer = setTimeout(() => fail(new Error(`the sink at ${target.host} did not answer a reading within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    socket.on('connect', () => socket.write(sinkStatsRequest(token)));
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('end', () => {
      clearTimeout(timer);
      socket.destroy();
      try {
        resolve(parseSinkReading(answer));
      } catch (e) {
        reject(e as Error);
      }
    });
    socket.on('error', (e) => fail(new Error(`cannot read the sink at ${target.host}: ${e.message}`)));
  });
}
