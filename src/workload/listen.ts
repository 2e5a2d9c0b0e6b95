/** Starts the sample service for a protocol on host:port (0: any free port). */
import type { Server as NetServer } from 'node:net';
import { createH2cServer } from './h2c.ts';
import { createPingServer, listenPing } from './grpc-ping.ts';
import { speaksTls, type Protocol } from './protocol.ts';
import { createWorkloadServer, type WorkloadOptions } from './service.ts';
import { createTcpEchoServer } from './tcp-echo.ts';
import { createH2Server, createHttpsServer, type WorkloadTlsFiles } from './tls.ts';

export interface ListeningWorkload {
  port: number;
  /** Stops listening and drops every connection. */
  close(): void;
}

/** `tls`: the certificate and key, which `https` and `h2` need (and the others ignore). */
export async function listenWorkload(protocol: Protocol, o: WorkloadOptions, host: string, port: number, tls?: WorkloadTlsFiles): Promise<ListeningWorkload> {
  if (protocol === 'grpc') {
    const server = createPingServer(o);
    return { port: await listenPing(server, host, port), close: () => server.forceShutdown() };
  }
  const server = createServer(protocol, o, tls);
  const sockets = new Set<import('node:net').Socket>();
  // HTTP/2 sessions and raw TCP connections have no closeAllConnections(): track them (a TLS
  // server's 'connection' is its TCP socket, before the handshake, so the same works for it).
  server.on('connection', (socket: import('node:net').Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}

function createServer(protocol: Exclude<Protocol, 'grpc'>, o: WorkloadOptions, tls: WorkloadTlsFiles | undefined): NetServer {
  if (speaksTls(protocol)) {
    if (!tls) throw new RangeError(`protocol ${protocol} serves TLS: it needs a certificate and key (--tls-cert, --tls-key)`);
    return protocol === 'h2' ? createH2Server(o, tls) : createHttpsServer(o, tls);
  }
  return protocol === 'h2c' ? createH2cServer(o) : protocol === 'tcp' ? createTcpEchoServer(o) : createWorkloadServer(o);
}
