/**
 * One request of the workload's own protocol, to learn that a deployment passes requests end to end
 * (through whatever the mesh put in the way) before load starts: a GET of the health path (HTTP/1.1,
 * h2c, and over TLS for https and h2), a ping (gRPC), an echo of `messageBytes` (TCP). Resolves true
 * when it was answered as the workload answers; false on any failure or after `timeoutMs`; rejects
 * with an UntrustedCertificateError when a TLS workload's certificate fails `trust`, which waiting
 * longer cannot mend.
 */
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { decodePing, emptyPing, encodePing } from './ping-message.ts';
import { GRPC_PING_PATH, protocolOfUrl, type WorkloadTrust } from './protocol.ts';
import { HEALTH_PATH } from './service.ts';
import { certificateProblem, UNTRUSTED_FIX, UntrustedCertificateError } from './tls-trust.ts';

export async function probeOnce(target: URL, messageBytes: number, timeoutMs: number, trust?: WorkloadTrust): Promise<boolean> {
  const protocol = protocolOfUrl(target);
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    if (protocol === 'http1') return (await fetch(new URL(HEALTH_PATH, target), { signal })).status === 200;
    if (protocol === 'h2c') return await h2Get(`http://${target.host}`, {}, signal);
    if (protocol === 'https') return await httpsGet(target, tlsOptions(trust), signal);
    if (protocol === 'h2') return await h2Get(`https://${target.host}`, tlsOptions(trust), signal);
    if (protocol === 'grpc') return await grpcPing(target, timeoutMs);
    if (protocol === 'tcp') return await tcpEcho(target, Math.max(1, messageBytes), signal);
    return false;
  } catch (error) {
    const untrusted = certificateProblem(error);
    if (untrusted) throw new UntrustedCertificateError(`${untrusted}; ${UNTRUSTED_FIX}`, { cause: error });
    return false;
  }
}

/** The run's CA and the name to check; the default CAs without `trust`. */
const tlsOptions = (trust: WorkloadTrust | undefined) => (trust ? { ca: trust.caPem, servername: trust.serverName } : {});

/** Resolves as h2Get does; rejects with a TLS verification error, which probeOnce reports. */
function httpsGet(target: URL, tls: { ca?: string; servername?: string }, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: target.hostname.replace(/^\[|\]$/g, ''), port: Number(target.port) || 443, path: HEALTH_PATH, agent: false, signal, ...tls }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', (error) => (certificateProblem(error) ? reject(error) : resolve(false)));
  });
}

function h2Get(origin: string, tls: { ca?: string; servername?: string }, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(origin, tls);
    const done = (ok: boolean) => {
      session.destroy();
      resolve(ok);
    };
    signal.addEventListener('abort', () => done(false), { once: true });
    const fail = (error: Error) => {
      if (!certificateProblem(error)) return done(false);
      session.destroy();
      reject(error);
    };
    session.on('error', fail);
    const stream = session.request({ ':path': HEALTH_PATH }, { endStream: true });
    stream.on('response', (h) => {
      stream.resume();
      stream.on('end', () => done(Number(h[':status']) === 200));
    });
    // A stream pending on a failed handshake is cancelled with the TLS error as its cause.
    stream.on('error', (error) => fail((error.cause as Error | undefined) ?? error));
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
