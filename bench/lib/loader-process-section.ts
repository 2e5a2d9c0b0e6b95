/**
 * bench:load section 7 (issue 29): the loader as the process a run starts, the one-file bundle that
 * a local run and a cluster's loader Job both run, beside Fortio and wrk2 at the same rate and
 * connections against the HAProxy return target. Each tool runs under /usr/bin/time: CPU over its
 * whole run (all its threads) and maxRSS. Issue 29's candidate pacing (the writer thread) runs
 * beside the default (sleep+spin 200 µs) in each round, since its lag target is "no worse than
 * the default, same round".
 * Rounds interleave the four, as section 4 does: this VM's wake-ups come in spells.
 * Then memory: each tool at BENCH_PROCESS_MEMORY_REQUESTS requests, 20k rps.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleClusterEntry } from '../../src/load/bundle.ts';
import { decodeResultLine } from '../../src/load/result-line.ts';
import type { LoaderSettings } from '../../src/loader-settings.ts';
import { heading, row, SECONDS, using, verdict } from './measure.ts';
import { fortio, timed, wrk2 } from './references.ts';
import { startFastTarget } from './targets.ts';

const ROUNDS = Number(process.env.BENCH_PACING_ROUNDS ?? 3);
const RATES = [1_000, 10_000];
const CONNECTIONS = 4;
const MEMORY_SIZES = (process.env.BENCH_PROCESS_MEMORY_REQUESTS ?? '1000000,10000000').split(',').filter(Boolean).map(Number);
/** References at each memory size too, unless this says which sizes (empty: none). */
const REFERENCE_MEMORY_SIZES = (process.env.BENCH_REFERENCE_MEMORY_REQUESTS ?? MEMORY_SIZES.join(',')).split(',').filter(Boolean).map(Number);
const MEMORY_RATE = 20_000;
const MEMORY_CONNECTIONS = 16;
const WRITER = 'meshbench, writer thread (issue 29\'s candidate)';
const DEFAULT = 'meshbench, default pacing (sleep+spin 200 µs up to 2,500 rps, spin above)';
/** Issue 29's targets. */
const CORES_AT_1K = 0.1;
const CORES_AT_10K = 0.5;
const RSS_BYTES = 64 * 1024 * 1024;

interface Figures {
  cpuCores: number;
  maxRssBytes: number;
  lagP99Us?: number;
  engine?: string;
  okPerScheduled?: string;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => {
  const s = sorted(xs);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const spread = (xs: number[], f: (n: number) => string) => (xs.length > 1 ? `${f(median(xs))} [${f(sorted(xs)[0]!)}, ${f(sorted(xs).at(-1)!)}]` : f(xs[0]!));

/** The bundled loader as its own process, as `bench run` starts it. */
async function meshbench(bundle: string, dir: string, settings: LoaderSettings): Promise<Figures> {
  const file = join(dir, 'load.json');
  await writeFile(file, JSON.stringify(settings));
  const r = await timed(process.execPath, [bundle], { ...process.env, MESHBENCH_LOAD_SETTINGS: file });
  const { outcome } = decodeResultLine(r.stdout);
  return { cpuCores: r.cpuCores, maxRssBytes: r.maxRssBytes, lagP99Us: outcome.schedulerLag!.getValueAtPercentile(99), engine: outcome.engine, okPerScheduled: `${outcome.ok.totalCount}/${outcome.scheduledRequests}` };
}

export async function loaderProcess(): Promise<void> {
  heading(`7. The loader as its own process (the bundle a run starts) beside Fortio and wrk2: HAProxy return target, ${CONNECTIONS} connections, ${SECONDS} s windows, ${ROUNDS} interleaved rounds; CPU of the whole process over its run, maxRSS (targets: <= ${CORES_AT_1K} cores at 1k rps with lag P99 no worse than the default in the same round; <= ${CORES_AT_10K} cores at 10k rps; RSS <= 64 MiB)`);
  const dir = await mkdtemp(join(tmpdir(), 'meshbench-bench-process-'));
  try {
    const bundle = join(dir, 'loader.mjs');
    await bundleClusterEntry(bundle);
    const base = { mode: 'rate' as const, connections: CONNECTIONS, warmupMs: 1_000, durationMs: SECONDS * 1_000, timeoutMs: 5_000 };
    for (const rate of RATES) {
      const kept = new Map<string, Figures[]>();
      const keep = (name: string, f: Figures) => kept.set(name, [...(kept.get(name) ?? []), f]);
      await using(startFastTarget(), async (t) => {
        for (let round = 1; round <= ROUNDS; round++) {
          console.log(`  ${rate} rps, round ${round} of ${ROUNDS} (${new Date().toISOString().slice(11, 19)} UTC)`);
          keep(WRITER, await meshbench(bundle, dir, { ...base, target: t.url.href, rateRps: rate, pacing: 'writer' }));
          keep(DEFAULT, await meshbench(bundle, dir, { ...base, target: t.url.href, rateRps: rate }));
          keep('Fortio', await fortio(t.url, rate, CONNECTIONS, SECONDS));
          keep('wrk2', await wrk2(t.url, rate, CONNECTIONS, SECONDS));
        }
      });
      const target = rate === 1_000 ? CORES_AT_1K : CORES_AT_10K;
      const writerLag = kept.get(WRITER)!.map((f) => f.lagP99Us!);
      const defaultLag = kept.get(DEFAULT)!.map((f) => f.lagP99Us!);
      for (const [name, fs] of kept) {
        const cpu = fs.map((f) => f.cpuCores);
        const judged = name === WRITER || name === DEFAULT;
        const cells = [`${rate} rps, ${name}`, `${spread(cpu, (n) => n.toFixed(3))} cores${judged ? ` ${verdict(median(cpu) <= target)}` : ''}`, `maxRSS ${spread(fs.map((f) => f.maxRssBytes), mb)}`];
        if (fs[0]!.lagP99Us !== undefined) cells.push(`lag P99 ${spread(fs.map((f) => f.lagP99Us!), (n) => `${Math.round(n)} µs`)}`);
        if (name === WRITER && rate === 1_000) {
          const worse = writerLag.map((v, i) => v - defaultLag[i]!);
          cells.push(`vs the default in the same round ${spread(worse, (n) => `${n >= 0 ? '+' : ''}${Math.round(n)} µs`)} ${verdict(median(worse) <= 0)}`);
        }
        if (fs[0]!.okPerScheduled) cells.push(`ok ${fs.map((f) => f.okPerScheduled).join(', ')}`, fs.at(-1)!.engine!);
        row(...cells);
      }
    }
    for (const requests of MEMORY_SIZES) {
      const durationMs = (requests / MEMORY_RATE) * 1_000;
      await using(startFastTarget(), async (t) => {
        const m = await meshbench(bundle, dir, { ...base, connections: MEMORY_CONNECTIONS, target: t.url.href, rateRps: MEMORY_RATE, durationMs });
        row(`${requests.toLocaleString('en-US')} requests at ${MEMORY_RATE} rps, meshbench (bundle)`, `maxRSS ${mb(m.maxRssBytes)} ${verdict(m.maxRssBytes <= RSS_BYTES)}`, `${m.cpuCores.toFixed(3)} cores`, `ok ${m.okPerScheduled}`, `lag P99 ${m.lagP99Us} µs`, m.engine!);
        if (!REFERENCE_MEMORY_SIZES.includes(requests)) return;
        const fo = await fortio(t.url, MEMORY_RATE, MEMORY_CONNECTIONS, durationMs / 1_000);
        row(`${requests.toLocaleString('en-US')} requests, Fortio`, `maxRSS ${mb(fo.maxRssBytes)}`, `${fo.cpuCores.toFixed(3)} cores`, `${fo.rps.toFixed(0)} rps`);
        const w2 = await wrk2(t.url, MEMORY_RATE, MEMORY_CONNECTIONS, durationMs / 1_000);
        row(`${requests.toLocaleString('en-US')} requests, wrk2 (and its 11 s calibration)`, `maxRSS ${mb(w2.maxRssBytes)}`, `${w2.cpuCores.toFixed(3)} cores`, `${w2.rps.toFixed(0)} rps`);
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
