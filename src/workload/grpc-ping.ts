/**
 * The sample service over gRPC: Fortio's own ping service (fgrpc.PingServer/Ping), so Fortio's
 * `load -grpc -ping` drives the same workload as meshbench's engine. The reply carries the
 * request's seq and delayNanos, the receive time as ts (as Fortio's server does), and the
 * workload's payload (`payloadBytes` of 'x'; Fortio's own server echoes the request's). The
 * service delay is the larger of the workload's and the request's delayNanos. The error rate
 * answers INTERNAL; a `reset` fault UNAVAILABLE; an `errors` fault (503) UNAVAILABLE as well,
 * since that is what a 503 from a proxy becomes in gRPC.
 */
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition } from '@grpc/grpc-js';
import { FaultClock } from './faults.ts';
import { decodePing, encodePing, type PingMessage } from './ping-message.ts';
import { serviceDelay, type WorkloadOptions } from './service.ts';

/** The service as grpc-js takes it: one unary method with its own (hand-written) codec. */
export const PING_SERVICE = {
  Ping: {
    path: '/fgrpc.PingServer/Ping',
    requestStream: false,
    responseStream: false,
    requestSerialize: encodePing,
    requestDeserialize: decodePing,
    responseSerialize: encodePing,
    responseDeserialize: decodePing,
  },
} satisfies ServiceDefinition;

export function createPingServer(o: WorkloadOptions): Server {
  const payload = 'x'.repeat(o.payloadBytes);
  const faults = new FaultClock(o.faults ?? []);
  const delay = serviceDelay(o);
  const server = new Server({ 'grpc.max_concurrent_streams': 10_000, 'grpc.max_send_message_length': -1 });
  server.addService(PING_SERVICE, {
    Ping(call: ServerUnaryCall<PingMessage, PingMessage>, callback: sendUnaryData<PingMessage>) {
      const receivedNs = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
      delay.arrived();
      const fault = faults.action(performance.now());
      if (fault) return callback({ code: status.UNAVAILABLE, details: `injected fault: ${fault}` });
      const fail = delay.fails(o.errorRate);
      const answer = () => (fail ? callback({ code: status.INTERNAL, details: 'injected failure' }) : callback(null, { seq: call.request.seq, ts: receivedNs, payload, delayNanos: call.request.delayNanos }));
      const askedUs = Number(call.request.delayNanos / 1_000n);
      if (askedUs > o.serviceDelayUs) setTimeout(answer, askedUs / 1_000);
      else delay.then(answer);
    },
  });
  return server;
}

/** Binds the server; resolves with its port. */
export function listenPing(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${port}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
}
