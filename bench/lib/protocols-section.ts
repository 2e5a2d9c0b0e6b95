/**
 * bench:load section 8 (issue 31): h2c and gRPC at 1000 rps against the same workload process,
 * meshbench's open loop beside Fortio (`load -h2`, `load -grpc -ping`), in interleaved rounds
 * (BENCH_PROTOCOL_ROUNDS, default 3) so a busy spell hits both alike. Each percentile is the median
 * over the rounds; the target is within 10 % of Fortio's. Fortio measures from the actual send, so
 * meshbench's uncorrected (from the send) figures are its like for like; the corrected ones are
 * printed beside them (at a rate the target keeps up with, the two differ by the loader's lag).
 */
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenLoopEngine } from '../../src/load/open-loop-engine.ts';
import { startWorkload } from '../../src/platforms/local/workload-process.ts';
import { targetUrl, type Protocol } from '../../src/workload/protocol.ts';
import { heading, measure, pct, row, SECONDS, us, using, verdict } from './measure.ts';
import { fortioBinary, timed } from './references.ts';
import type { Target } from './targets.ts';

const ROUNDS = Number(process.env.BENCH_PROTOCOL_ROUNDS ?? 3);
const RATE = 1000;
const QUANTILES = [50, 90, 99] as const;
/** Connections × streams: h2c as Fortio's std HTTP/2 client runs it (a connection per thread), gRPC 2 connections of 2 streams (-c 2 -s 2). */
const SHAPE = { h2c: { connections: 4, streams: 1 }, grpc: { connections: 2, streams: 2 } } as const;

async function startTarget(protocol: Protocol): Promise<Target> {
  const w = await startWorkload({ protocol, payloadBytes: 1024, serviceDelayUs: 2_000, errorRate: 0 }, `bench-${process.pid}`, 10_000, new AbortController().signal);
  return { url: targetUrl(protocol, '127.0.0.1', w.port), stop: () => w.process.stop() };
}

/** Fortio against the same workload in the same protocol; its percentiles in µs (from the actual send). */
async function fortioRun(protocol: 'h2c' | 'grpc', url: URL): Promise<{ percentilesUs: Record<number, number>; rps: number; cpuCores: number }> {
  const out = join(tmpdir(), `meshbench-fortio-${process.pid}-${Date.now()}.json`);
  const { connections, streams } = SHAPE[protocol];
  const common = ['load', '-qps', String(RATE), '-t', `${SECONDS}s`, '-p', '50,90,99', '-r', '0.00001', '-json', out, '-quiet'];
  const args =
    protocol === 'h2c'
      ? [...common, '-h2', '-c', String(connections), `http://${url.host}/`]
      : [...common, '-grpc', '-ping', '-c', String(connections), '-s', String(streams), url.host];
  try {
    const { cpuCores } = await timed(fortioBinary(), args);
    const json = JSON.parse(await readFile(out, 'utf8')) as { ActualQPS: number; DurationHistogram: { Percentiles: { Percentile: number; Value: number }[] } };
    const percentilesUs: Record<number, number> = {};
    for (const p of json.DurationHistogram.Percentiles) percentilesUs[p.Percentile] = p.Value * 1_000_000;
    return { percentilesUs, rps: json.ActualQPS, cpuCores };
  } finally {
    await rm(out, { force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function protocols(): Promise<void> {
  heading(`8. h2c and gRPC at ${RATE} rps against the workload with a 2 ms service delay, ${SECONDS} s windows, ${ROUNDS} interleaved rounds: meshbench vs Fortio (target: within 10 %)`);
  for (const protocol of ['h2c', 'grpc'] as const) {
    const { connections, streams } = SHAPE[protocol];
    await using(startTarget(protocol), async (t) => {
      const ours: { uncorrected: number[]; corrected: number[] }[] = QUANTILES.map(() => ({ uncorrected: [], corrected: [] }));
      const theirs: number[][] = QUANTILES.map(() => []);
      for (let round = 1; round <= ROUNDS; round++) {
        const m = await measure(new OpenLoopEngine({ streamsPerConnection: streams }), { connections, targetRps: RATE, warmupMs: 1_000, durationMs: SECONDS * 1_000, timeoutMs: 5_000 }, t.url);
        const f = await fortioRun(protocol, t.url);
        QUANTILES.forEach((q, i) => {
          ours[i]!.uncorrected.push(m.outcome.uncorrected!.getValueAtPercentile(q));
          ours[i]!.corrected.push(m.outcome.ok.getValueAtPercentile(q));
          theirs[i]!.push(f.percentilesUs[q] ?? NaN);
        });
        row(`${protocol} round ${round}`, `meshbench ${m.outcome.achievedRps.toFixed(1)} rps, P50 ${us(m.outcome.uncorrected!.getValueAtPercentile(50))} from the send (${m.outcome.engine})`, `Fortio ${f.rps.toFixed(1)} rps, P50 ${us(f.percentilesUs[50] ?? NaN)}`);
      }
      QUANTILES.forEach((q, i) => {
        const o = median(ours[i]!.uncorrected);
        const c = median(ours[i]!.corrected);
        const r = median(theirs[i]!);
        row(`${protocol} c=${connections}×${streams} P${q}`, `meshbench ${us(o)} from the send (corrected ${us(c)})`, `Fortio ${us(r)}`, `${pct(o / r)}  ${verdict(Math.abs(o / r - 1) <= 0.1)}`);
      });
    });
  }
}
