/** Waiting for what was started to answer, bounded in time and abortable. */
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

async function pollUntil(check: () => Promise<boolean>, what: string, fix: string, timeoutMs: number, signal: AbortSignal, process?: ManagedProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | string | undefined;
  void process?.exited.then((code) => (exitCode = code));
  for (;;) {
    signal.throwIfAborted();
    if (exitCode !== undefined && process) {
      throw new RunError({ what: `exited (${exitCode}) before it was ready: ${process.stderrTail() || '(no output)'}`, where: process.name, fix });
    }
    if (await check()) return;
    if (Date.now() > deadline) throw new RunError({ what: `${what} within ${timeoutMs} ms`, where: process?.name ?? 'local platform', fix });
    await sleep(POLL_MS, undefined, { signal });
  }
}

export function waitForPort(port: number, process: ManagedProcess, timeoutMs: number, signal: AbortSignal): Promise<void> {
  return pollUntil(() => tryConnect(port), `did not listen on 127.0.0.1:${port}`, `see the ${process.name} output in this message`, timeoutMs, signal, process);
}

export function waitForHealthy(url: URL, timeoutMs: number, signal: AbortSignal): Promise<void> {
  return pollUntil(async () => (await getStatus(url)) === 200, `${url.href} did not answer 200`, 'the sidecar chain is up but does not pass requests; run with --debug', timeoutMs, signal);
}
