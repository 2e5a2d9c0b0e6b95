/** A loopback HTTP target for load tests that answers some requests and holds the rest forever. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HoldingTarget {
  url: URL;
  /** Requests the server has seen, answered or not. */
  seen(): number;
  close(): Promise<void>;
}

/** `answer(n)` decides for the n-th request (0-based) whether it gets a 200 or no answer at all. */
export async function startHoldingTarget(answer: (n: number) => boolean): Promise<HoldingTarget> {
  let n = 0;
  const server: Server = createServer((_req, res) => {
    if (answer(n++)) res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 }).end('ok');
    // else: never answered; the client's timeout or the end of the run closes the connection.
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`),
    seen: () => n,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
