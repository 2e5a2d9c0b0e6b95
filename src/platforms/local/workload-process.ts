/** The sample workload as a child process on a free loopback port, ready when it says so. */
import { fileURLToPath } from 'node:url';
import type { Protocol } from '../../workload/protocol.ts';
import type { WorkloadOptions } from '../../workload/service.ts';
import type { WorkloadTlsFiles } from '../../workload/tls.ts';
import { inNetns } from './netns/exec.ts';
import { startProcess, type ManagedProcess } from './processes.ts';

const WORKLOAD_MAIN = fileURLToPath(new URL('../../workload/main.ts', import.meta.url));

export interface WorkloadProcess {
  process: ManagedProcess;
  port: number;
}

function parseReady(line: string): number | undefined {
  try {
    const msg = JSON.parse(line) as { ready?: boolean; port?: number };
    return msg.ready && typeof msg.port === 'number' ? msg.port : undefined;
  } catch {
    return undefined;
  }
}

/** Netns layout: run it inside the workload pod, on 0.0.0.0 and a fixed port (the namespace is its own). */
export interface InPod {
  netns: string;
  port: number;
}

/** `runId` marks the command line, so a run's processes can be found; `tls` is the certificate of an `https` or `h2` workload. */
export async function startWorkload(o: WorkloadOptions & { protocol?: Protocol }, runId: string, readyTimeoutMs: number, signal: AbortSignal, inPod?: InPod, tls?: WorkloadTlsFiles): Promise<WorkloadProcess> {
  const args = [
    WORKLOAD_MAIN,
    '--protocol', o.protocol ?? 'http1',
    '--payload-bytes', String(o.payloadBytes),
    '--service-delay-us', String(o.serviceDelayUs),
    '--error-rate', String(o.errorRate),
    '--run', runId,
  ];
  if (o.faults?.length) args.push('--faults', JSON.stringify(o.faults));
  if (o.stall) args.push('--stall-after-ms', String(o.stall.afterMs), '--stall-for-ms', String(o.stall.forMs));
  if (inPod) args.push('--host', '0.0.0.0', '--port', String(inPod.port));
  if (tls) args.push('--tls-cert', tls.certFile, '--tls-key', tls.keyFile);
  const child = startProcess({ name: 'workload', ...(inPod ? inNetns(inPod.netns, process.execPath, args) : { command: process.execPath, args }) });
  try {
    return { process: child, port: await child.waitForLine(parseReady, readyTimeoutMs, signal) };
  } catch (error) {
    await child.stop();
    throw error;
  }
}
