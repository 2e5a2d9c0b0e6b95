/** A loopback HTTP/1.1 target that closes each connection a set time after every answer (an idle timeout). */
import net from 'node:net';

export interface ClosingTarget {
  url: URL;
  /** Requests the server has seen. */
  seen(): number;
  close(): Promise<void>;
}

export async function startClosingTarget(closeAfterMs: number): Promise<ClosingTarget> {
  let seen = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let idle: NodeJS.Timeout | undefined;
    let pending = '';
    socket.on('data', (d) => {
      clearTimeout(idle);
      pending += d.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        pending = pending.slice(end + 4);
        seen++;
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      }
      idle = setTimeout(() => socket.end(), closeAfterMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: new URL(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`),
    seen: () => seen,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
