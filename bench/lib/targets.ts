/** What the benchmarks load: a fast C target (HAProxy answering by itself) and the real workload. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHaproxy } from '../../src/platforms/local/haproxy.ts';
import { freeLoopbackPort } from '../../src/platforms/local/ports.ts';
import { waitForPort } from '../../src/platforms/local/readiness.ts';
import { startWorkload } from '../../src/platforms/local/workload-process.ts';
import type { WorkloadOptions } from '../../src/workload/service.ts';

export interface Target {
  url: URL;
  stop(): Promise<void>;
}

/** HAProxy `http-request return`: answers without any backend, so the loader is the bottleneck. */
export async function startFastTarget(threads = 1): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), 'meshbench-bench-'));
  const port = await freeLoopbackPort();
  const config = `global
  nbthread ${threads}
  maxconn 4000
defaults
  mode http
  timeout client 30s
  timeout connect 5s
  timeout server 30s
frontend fast
  bind 127.0.0.1:${port}
  http-request return status 200 content-type text/plain string ok
`;
  const proxy = await startHaproxy('fast-target', dir, config);
  await waitForPort(port, proxy, 5_000, new AbortController().signal);
  return {
    url: new URL(`http://127.0.0.1:${port}/`),
    stop: async () => {
      await proxy.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function startWorkloadTarget(o: WorkloadOptions): Promise<Target> {
  const w = await startWorkload(o, `bench-${process.pid}`, 10_000, new AbortController().signal);
  return { url: new URL(`http://127.0.0.1:${w.port}/`), stop: () => w.process.stop() };
}
