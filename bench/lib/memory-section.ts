/**
 * bench:load section 6: loader memory at 1M and 10M requests (20k rps), each in a fresh process so
 * nothing else in this one counts. Target: within 10 % of each other, and <= 150 MB.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundleClusterEntry } from '../../src/load/bundle.ts';
import { decodeResultLine } from '../../src/load/result-line.ts';
import { heading, row, using, verdict } from './measure.ts';
import { startFastTarget } from './targets.ts';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./memory-child.ts', import.meta.url));
const RATE = 20_000;
const SIZES = (process.env.BENCH_MEMORY_REQUESTS ?? '1000000,10000000').split(',').map(Number);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

interface ChildResult {
  requests: number;
  ok: number;
  achievedRps: number;
  lagP99Us: number;
  peakRssBytes: number;
  maxRssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  engine: string;
}

export async function memory(): Promise<void> {
  heading(`6. Loader memory at ${SIZES.map((n) => n.toLocaleString('en-US')).join(' and ')} requests, ${RATE} rps, 16 connections, HAProxy return target (target: <= 150 MB, flat within 10 %)`);
  const peaks: number[] = [];
  for (const requests of SIZES) {
    const r = await using(startFastTarget(), async (t) => {
      const { stdout } = await run(process.execPath, [CHILD, t.url.href, String(requests), String(RATE)], { maxBuffer: 1 << 20 });
      return JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult;
    });
    peaks.push(r.maxRssBytes);
    row(`${requests.toLocaleString('en-US')} requests`, `maxRSS ${mb(r.maxRssBytes)} ${verdict(r.maxRssBytes <= 150e6)}`, `peak sampled RSS ${mb(r.peakRssBytes)}`, `heap ${mb(r.heapUsedBytes)} used of ${mb(r.heapTotalBytes)}, external ${mb(r.externalBytes)}`, `${r.ok.toLocaleString('en-US')} ok of ${r.requests.toLocaleString('en-US')}, achieved ${r.achievedRps.toFixed(0)} rps, lag P99 ${r.lagP99Us} µs`, r.engine);
  }
  if (peaks.length === 2) row('growth', `${(((peaks[1]! / peaks[0]!) - 1) * 100).toFixed(1)} % ${verdict(Math.abs(peaks[1]! / peaks[0]! - 1) <= 0.1)}`);
  await bundled(SIZES[0]!);
}

/** The same run from the esbuild bundle (plain JavaScript, as in the cluster): no TypeScript stripping loaded. */
async function bundled(requests: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'meshbench-bench-bundle-'));
  try {
    await bundleClusterEntry(join(dir, 'loader.mjs'));
    const r = await using(startFastTarget(), async (t) => {
      const settings = { mode: 'rate', target: t.url.href, rateRps: RATE, connections: 16, warmupMs: 1_000, durationMs: (requests / RATE) * 1_000, timeoutMs: 5_000 };
      await writeFile(join(dir, 'load.json'), JSON.stringify(settings));
      // GNU time's %M: the child's maximum resident set, KiB.
      const { stdout, stderr } = await run('/usr/bin/time', ['-f', 'MESHBENCH-MAXRSS %M', process.execPath, join(dir, 'loader.mjs')], { env: { ...process.env, MESHBENCH_LOAD_SETTINGS: join(dir, 'load.json') }, maxBuffer: 1 << 24 });
      return { outcome: decodeResultLine(stdout).outcome, maxRssBytes: Number(/MESHBENCH-MAXRSS (\d+)/.exec(stderr)?.[1]) * 1024 };
    });
    row(`${requests.toLocaleString('en-US')} requests, bundled loader`, `maxRSS ${mb(r.maxRssBytes)} ${verdict(r.maxRssBytes <= 150e6)}`, `${r.outcome.ok.totalCount.toLocaleString('en-US')} ok of ${r.outcome.scheduledRequests.toLocaleString('en-US')}`, r.outcome.engine);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
