/** Test helper for the bandwidth tests. */
import { readFileSync } from 'node:fs';

/**
 * Established TCP connections to or from `port`, from both ends, as the kernel lists them in
 * /proc/net/tcp (the sink hands each accepted socket's handle to a reader of its own, so the
 * server's own count would not see them).
 */
export function established(port: number): number {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => {
      const f = l.trim().split(/\s+/);
      return f[3] === '01' && (f[1]!.endsWith(hex) || f[2]!.endsWith(hex));
    }).length;
}
