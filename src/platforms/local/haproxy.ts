/**
 * HAProxy as a sidecar: the outbound one takes plaintext from the load generator on loopback (as an
 * app talks to its own Envoy) and calls the inbound one, over mutual TLS when the mesh profile asks;
 * the inbound one forwards to the workload. Configs are pure functions of their inputs.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RunError } from '../../errors.ts';
import type { MeshCertificates } from './certs.ts';
import { carriedAsTcp, type Protocol } from '../../workload/protocol.ts';
import { inNetns } from './netns/exec.ts';
import { startProcess, type ManagedProcess } from './processes.ts';

export interface SidecarConfig {
  threads: number;
  listenPort: number;
  upstreamPort: number;
  requestTimeoutMs: number;
  /**
   * Netns layout (capture.ts): the address it binds (inbound: 0.0.0.0, where PREROUTING's REDIRECT
   * sends the pod's traffic), the upstream's address (outbound: the workload pod's own), and the
   * uid/gid it drops to (1337, whose connections the capture rules leave alone). Default: loopback, no change.
   */
  listenHost?: string;
  upstreamHost?: string;
  proxyUid?: number;
  /**
   * What the workload speaks (default HTTP/1.1): `mode tcp` for tcp and for the workload's own TLS
   * (https, h2: bytes HAProxy cannot read), HTTP/2 on every hop (`proto h2`, or ALPN h2 over TLS)
   * for h2c and gRPC.
   */
  protocol?: Protocol;
}

const speaksH2 = (c: SidecarConfig) => c.protocol === 'h2c' || c.protocol === 'grpc';
const tcp = (c: SidecarConfig) => carriedAsTcp(c.protocol ?? 'http1');

function globalSection(c: SidecarConfig): string {
  // HAProxy reads its certificates before it drops to this uid.
  const user = c.proxyUid === undefined ? '' : `  uid ${c.proxyUid}\n  gid ${c.proxyUid}\n`;
  return `global
${user}  nbthread ${c.threads}
  # Each connection costs two file descriptors; 4000 stays under common ulimits.
  maxconn 4000

defaults
${tcp(c) ? '  mode tcp\n' : '  mode http\n  option http-keep-alive\n  http-reuse always\n'}  timeout connect 5s
  timeout client ${Math.max(c.requestTimeoutMs, 1000) + 5_000}ms
  timeout server ${Math.max(c.requestTimeoutMs, 1000) + 5_000}ms
${tcp(c) ? '' : '  timeout http-keep-alive 120s\n'}`;
}

/** Inbound sidecar: in front of the workload; with mTLS it accepts only clients signed by the run CA. */
export function inboundSidecarConfig(c: SidecarConfig, certs: MeshCertificates | null): string {
  const h2 = speaksH2(c);
  const tls = certs ? ` ssl crt ${certs.serverPemFile} ca-file ${certs.caFile} verify required alpn ${h2 ? 'h2' : 'http/1.1'}` : h2 ? ' proto h2' : '';
  return `${globalSection(c)}
frontend inbound
  bind ${c.listenHost ?? '127.0.0.1'}:${c.listenPort}${tls}
  default_backend workload

backend workload
  server app ${c.upstreamHost ?? '127.0.0.1'}:${c.upstreamPort}${h2 ? ' proto h2' : ''}
`;
}

/** Outbound sidecar: beside the load generator; with mTLS it presents the client identity. */
export function outboundSidecarConfig(c: SidecarConfig, certs: MeshCertificates | null): string {
  const h2 = speaksH2(c);
  const tls = certs
    ? ` ssl crt ${certs.clientPemFile} ca-file ${certs.caFile} verify required verifyhost ${certs.serverName} sni str(${certs.serverName}) alpn ${h2 ? 'h2' : 'http/1.1'}`
    : h2 ? ' proto h2' : '';
  return `${globalSection(c)}
frontend outbound
  bind ${c.listenHost ?? '127.0.0.1'}:${c.listenPort}${h2 ? ' proto h2' : ''}
  default_backend inbound_sidecar

backend inbound_sidecar
  server inbound ${c.upstreamHost ?? '127.0.0.1'}:${c.upstreamPort}${tls}
`;
}

/**
 * Writes the config and starts HAProxy in the foreground (-db), so it stays our child; inside
 * network namespace `netns` when given (`ip netns exec` execs in place: the pid is HAProxy's).
 */
export async function startHaproxy(name: string, dir: string, config: string, netns?: string): Promise<ManagedProcess> {
  const file = join(dir, `${name}.cfg`);
  await writeFile(file, config);
  const args = ['-db', '-f', file];
  return startProcess({ name, ...(netns ? inNetns(netns, 'haproxy', args) : { command: 'haproxy', args }) });
}

let cachedVersion: Promise<string> | undefined;

/** "2.6.12", or a RunError that says how to install HAProxy. */
export function haproxyVersion(): Promise<string> {
  cachedVersion ??= promisify(execFile)('haproxy', ['-v']).then(
    ({ stdout }) => /version (\d+\.\d+(\.\d+)?)/i.exec(stdout)?.[1] ?? 'unknown',
    (cause: NodeJS.ErrnoException) => {
      cachedVersion = undefined;
      throw new RunError({
        what: cause.code === 'ENOENT' ? 'HAProxy is not installed; the local platform runs its sidecars with it' : `\`haproxy -v\` failed: ${cause.message}`,
        where: 'local platform',
        fix: 'install it: `sudo apt-get install -y haproxy` (Debian/Ubuntu), then run again',
        cause,
      });
    },
  );
  return cachedVersion;
}
