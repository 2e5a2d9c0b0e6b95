/**
 * One request of the workload's own protocol, to learn that a deployment passes requests end to end
 * (through whatever the mesh put in the way) before load starts: a GET of the health path (HTTP/1.1,
 * h2c), a ping (gRPC), an echo of `messageBytes` (TCP). Resolves true when it was answered as the
 * workload answers; false on any failure or after `timeoutMs`.
 */
import http2 from 'node:http2';
import net from 'node:net';
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { decodePing, emptyPing, encodePing } from './ping-message.ts';
import { GRPC_PING_PATH, protocolOfUrl } from './protocol.ts';
import { HEALTH_PATH } from './service.ts';

export async function probeOnce(target: URL, messageBytes: number, timeoutMs: number): Promise<boolean> {
  const protocol = protocolOfUrl(target);
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    if (protocol === 'http1') return (await fetch(new URL(HEALTH_PATH, target), { signal })).status === 200;
    if (protocol === 'h2c') return await h2cGet(target, signal);
    if (protocol === 'grpc') return await grpcPing(target, timeoutMs);
    if (protocol === 'tcp') return await tcpEcho(target, Math.max(1, messageBytes), signal);
    return false;
  } catch {
    return false;
  }
}

function h2cGet(target: URL, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const session = http2.connect(`http://${target.host}`);
    const done = (ok: boolean) => {
      session.destroy();
      resolve(ok);
    };
    signal.addEventListener('abort', () => done(false), { once: true });
    session.on('error', () => done(false));
    const stream = session.request({ ':path': HEALTH_PATH }, { endStream: true });
    stream.on('response', (h) => {
      stream.resume();
      stream.on('end', () => done(Number(h[':status']) === 200));
    });
    stream.on('error', () => done(false));
  });
}

function grpcPing(target: URL, timeoutMs: number): Promise<boolean> {
  // Its own subchannel: a probe must not share (and then close) a connection the load will use.
  const client = new Client(target.host, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
  return new Promise<boolean>((resolve) => {
    client.makeUnaryRequest(GRPC_PING_PATH, encodePing, decodePing, { ...emptyPing(), seq: 1n }, new Metadata(), { deadline: Date.now() + timeoutMs }, (error, reply) => resolve(!error && reply?.seq === 1n));
  }).finally(() => client.close());
}

function tcpEcho(target: URL, bytes: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.hostname.replace(/^\[|\]$/g, ''), port: Number(target.port) });
    let got = 0;
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    signal.addEventListener('abort', () => done(false), { once: true });
    socket.on('connect', () => socket.write(Buffer.alloc(bytes, 'x')));
    socket.on('data', (chunk) => {
      got += chunk.length;
      if (got >= bytes) done(true);
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}
