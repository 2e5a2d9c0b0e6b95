/** Starts the sample service for a protocol on host:port (0: any free port). */
import type { Server as NetServer } from 'node:net';
import { createH2cServer } from './h2c.ts';
import { createPingServer, listenPing } from './grpc-ping.ts';
import type { Protocol } from './protocol.ts';
import { createWorkloadServer, type WorkloadOptions } from './service.ts';
import { createTcpEchoServer } from './tcp-echo.ts';

export interface ListeningWorkload {
  port: number;
  /** Stops listening and drops every connection. */
  close(): void;
}

export async function listenWorkload(protocol: Protocol, o: WorkloadOptions, host: string, port: number): Promise<ListeningWorkload> {
  if (protocol === 'grpc') {
    const server = createPingServer(o);
    return { port: await listenPing(server, host, port), close: () => server.forceShutdown() };
  }
  const server: NetServer = protocol === 'h2c' ? createH2cServer(o) : protocol === 'tcp' ? createTcpEchoServer(o) : createWorkloadServer(o);
  const sockets = new Set<import('node:net').Socket>();
  // HTTP/2 sessions and raw TCP connections have no closeAllConnections(): track them.
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
