import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { RunError } from '../../errors.ts';

/** "32768-60999", or null where the range cannot be read (not Linux). */
function localPortRange(): string | null {
  try {
    return readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).join('-');
  } catch {
    return null;
  }
}

/**
 * A loopback port that was free a moment ago (the OS picks it; the small race is accepted). When
 * the OS has none left, one clear error, at once: asking again would not free one.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (cause: NodeJS.ErrnoException) => {
      const range = localPortRange();
      reject(
        new RunError({
          what: `no free TCP port on 127.0.0.1 (${cause.code ?? cause.message})${range ? `: the local port range ${range} is used up` : ''}`,
          where: 'local platform',
          fix: 'stop what holds the ports (`ss -tanp` lists them), or widen net.ipv4.ip_local_port_range',
          cause,
        }),
      );
    });
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
