/**
 * Waiting for something inside a namespace to answer. The harness cannot dial into a namespace,
 * so each check is a short child (`ip netns exec <ns> node -e fetch`) run until it answers 200,
 * the deadline passes, the signal aborts, or the watched process exits. Bounded in time and tries.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RunError } from '../../../errors.ts';
import type { ManagedProcess } from '../processes.ts';
import { fetchInNetns, probeInNetns } from './exec.ts';

const POLL_MS = 50;

export interface WaitInNetnsOptions {
  timeoutMs: number;
  signal: AbortSignal;
  /** Fail at once, with `describeExit`'s text, when this process exits first. */
  process?: ManagedProcess;
  describeExit?: () => Promise<string>;
}

export function waitForHttpInNetns(netns: string, url: string, o: WaitInNetnsOptions): Promise<void> {
  return waitInNetns(netns, url, async () => (await fetchInNetns(netns, url, 1_000)) !== undefined, 'did not answer 200', o);
}

/** Until one request of the workload's protocol (h2c, grpc, tcp, https, h2) is answered from inside `netns`. */
export function waitForProbeInNetns(netns: string, url: string, messageBytes: number, o: WaitInNetnsOptions & { trust?: { caFile: string; serverName: string } }): Promise<void> {
  return waitInNetns(netns, url, () => probeInNetns(netns, url, messageBytes, 1_000, o.trust), 'did not answer a request', o);
}

async function waitInNetns(netns: string, url: string, answered: () => Promise<boolean>, failed: string, o: WaitInNetnsOptions): Promise<void> {
  const who = o.process?.name ?? url;
  let exit: number | string | undefined;
  void o.process?.exited.then((code) => (exit = code));
  const deadline = Date.now() + o.timeoutMs;
  const details = async () => (o.describeExit ? `: ${await o.describeExit()}` : o.process ? `: ${o.process.stderrTail() || '(no output)'}` : '');
  for (;;) {
    o.signal.throwIfAborted();
    if (exit !== undefined) throw new RunError({ what: `${who} exited (${exit}) before ${url} answered${await details()}`, where: `namespace ${netns}`, fix: 'see its output in this message' });
    if (await answered()) return;
    if (Date.now() > deadline) throw new RunError({ what: `${url} ${failed} within ${o.timeoutMs} ms${await details()}`, where: `namespace ${netns}`, fix: 'see its output in this message' });
    await sleep(POLL_MS, undefined, { signal: o.signal });
  }
}
