/** Waiting for what was started to answer, bounded in time and abortable. */
import { probeOnce } from '../../workload/probe.ts';
import type { WorkloadTrust } from '../../workload/protocol.ts';
import { UntrustedCertificateError } from '../../workload/tls-trust.ts';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunError } from '../../errors.ts';
import type { ManagedProcess } from './processes.ts';

const POLL_MS = 20;

function tryConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function getStatus(url: URL): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(0));
    req.end();
  });
}

/** Whether this system shows sockets in /proc (Linux); elsewhere readiness is a connect alone. */
const PROC_NET = existsSync('/proc/self/net/tcp');

/**
 * Whether `pid` holds the listening socket of 127.0.0.1:`port` (Linux /proc). A port another
 * process took first answers connects too: without this check, a sidecar that failed to bind
 * would look ready, and the trial would wait its whole ready timeout for a health check that
 * cannot pass. Undefined where /proc cannot tell (not Linux): connecting is all there is.
 */
function listensOn(pid: number, port: number): boolean | undefined {
  if (!PROC_NET) return undefined;
  let table: string;
  try {
    table = readFileSync(`/proc/${pid}/net/tcp`, 'utf8');
  } catch {
    // The process is gone (it failed to bind and exited): certainly not listening.
    return false;
  }
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  // 127.0.0.1 or 0.0.0.0. Columns: sl local_address rem_address st ... inode (10th); st 0A is LISTEN.
  const locals = [`0100007F:${hex}`, `00000000:${hex}`];
  const inodes = table.split('\n').map((l) => l.trim().split(/\s+/)).filter((c) => locals.includes(c[1]!) && c[3] === '0A').map((c) => `socket:[${c[9]}]`);
  if (inodes.length === 0) return false;
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return inodes.includes(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

async function pollUntil(check: () => Promise<boolean>, what: string, fixFor: string | (() => string), timeoutMs: number, signal: AbortSignal, process?: ManagedProcess): Promise<void> {
  const fix = () => (typeof fixFor === 'string' ? fixFor : fixFor());
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | string | undefined;
  void process?.exited.then((code) => (exitCode = code));
  for (;;) {
    signal.throwIfAborted();
    if (exitCode !== undefined && process) {
      throw new RunError({ what: `exited (${exitCode}) before it was ready: ${process.stderrTail() || '(no output)'}`, where: process.name, fix: fix() });
    }
    if (await check()) return;
    if (Date.now() > deadline) throw new RunError({ what: `${what} within ${timeoutMs} ms`, where: process?.name ?? 'local platform', fix: fix() });
    await sleep(POLL_MS, undefined, { signal });
  }
}

export function waitForPort(port: number, process: ManagedProcess, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const ours = async () => (await tryConnect(port)) && listensOn(process.pid, port) !== false;
  const fix = () =>
    /Address already in use/.test(process.stderrTail())
      ? `port ${port} was taken by another process after meshbench chose it; this trial failed in deploy, the others go on`
      : `see the ${process.name} output in this message`;
  return pollUntil(ours, `did not listen on 127.0.0.1:${port}`, fix, timeoutMs, signal, process);
}

export function waitForHealthy(url: URL, timeoutMs: number, signal: AbortSignal): Promise<void> {
  return pollUntil(async () => (await getStatus(url)) === 200, `${url.href} did not answer 200`, 'the sidecar chain is up but does not pass requests; run with --debug', timeoutMs, signal);
}

/** Until one request of the workload's protocol is answered at `target` (workload/probe.ts). */
/** `trust`: a TLS workload's; a certificate that fails it is a RunError at once (waiting cannot mend it). */
export function waitForProbe(target: URL, messageBytes: number, timeoutMs: number, signal: AbortSignal, trust?: WorkloadTrust): Promise<void> {
  const probe = () =>
    probeOnce(target, messageBytes, 1_000, trust).catch((error: unknown) => {
      if (!(error instanceof UntrustedCertificateError)) throw error;
      throw new RunError({ what: error.message, where: `local platform (probe of ${target.href})`, fix: 'this is a set-up fault, not the mesh\'s', cause: error });
    });
  return pollUntil(probe, `${target.href} did not answer a request`, 'the sidecar chain is up but does not pass requests; run with --debug', timeoutMs, signal);
}
