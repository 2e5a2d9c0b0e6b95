/**
 * `npm run bench:load`: the load engines against references measured in the same run, all on
 * loopback. Needs wrk, Fortio and HAProxy (see bench/README.md). Prints every figure as a ratio
 * or a difference; the targets are those of the open-loop issue.
 */
import { ClosedLoopEngine } from '../src/load/closed-loop.ts';
import { OpenLoopEngine } from '../src/load/open-loop-engine.ts';
import type { LoadEngine, LoadOutcome, LoadSpec } from '../src/load/types.ts';
import { checkTools, fortio, wrk } from './lib/references.ts';
import { startFastTarget, startWorkloadTarget, type Target } from './lib/targets.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

interface Measured {
  outcome: LoadOutcome;
  cpuCores: number;
}

async function measure(engine: LoadEngine, spec: LoadSpec, target: URL): Promise<Measured> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const outcome = await engine.run(spec, target, new AbortController().signal);
  const cpu = process.cpuUsage(cpu0);
  return { outcome, cpuCores: (cpu.user + cpu.system) / 1_000 / (performance.now() - t0) };
}

async function using<T>(start: Promise<Target>, fn: (t: Target) => Promise<T>): Promise<T> {
  const target = await start;
  try {
    return await fn(target);
  } finally {
    await target.stop();
  }
}

const us = (n: number) => `${Math.round(n)} µs`;
const pct = (ratio: number) => `${ratio >= 1 ? '+' : '−'}${Math.abs((ratio - 1) * 100).toFixed(1)}%`;
const p = (o: LoadOutcome, q: number) => o.ok.getValueAtPercentile(q);
const row = (...cells: (string | number)[]) => console.log(cells.map(String).join('  |  '));

async function closedLoopVsWrk(): Promise<void> {
  console.log(`\n1. Closed loop (autocannon, µs recording) vs wrk -t1, HAProxy return target, ${SECONDS / 2} s each`);
  for (const connections of [4, 16]) {
    await using(startFastTarget(), async (t) => {
      const ref = await wrk(t.url, connections, SECONDS / 2);
      const { outcome } = await measure(new ClosedLoopEngine(), { connections, targetRps: null, warmupMs: 1_000, durationMs: (SECONDS / 2) * 1_000, timeoutMs: 5_000 }, t.url);
      row(`c=${connections}`, `meshbench ${Math.round(outcome.achievedRps)} rps`, `wrk ${Math.round(ref.rps)} rps`, `ratio ${(outcome.achievedRps / ref.rps).toFixed(2)} (target >= 0.8)`);
    });
  }
}

async function fixedRateVsFortio(): Promise<void> {
  console.log(`\n2. 1000 rps against the workload with a 2 ms service delay, ${SECONDS} s each: meshbench vs Fortio`);
  for (const connections of [4, 16]) {
    await using(startWorkloadTarget({ payloadBytes: 1024, serviceDelayUs: 2_000, errorRate: 0 }), async (t) => {
      const ref = await fortio(t.url, 1000, connections, SECONDS);
      const { outcome } = await measure(new OpenLoopEngine(), { connections, targetRps: 1000, warmupMs: 1_000, durationMs: SECONDS * 1_000, timeoutMs: 5_000 }, t.url);
      for (const q of [50, 90, 99]) {
        const ours = p(outcome, q);
        const theirs = ref.percentilesUs[q] ?? NaN;
        row(`c=${connections} P${q}`, `meshbench ${us(ours)} (uncorrected ${us(outcome.uncorrected!.getValueAtPercentile(q))})`, `Fortio ${us(theirs)}`, `delta ${us(ours - theirs)} (${pct(ours / theirs)})`, 'expectation: >= 2000 µs service delay');
      }
      row(`c=${connections} rate`, `meshbench ${outcome.achievedRps.toFixed(1)} rps`, `Fortio ${ref.rps.toFixed(1)} rps`);
    });
  }
}

async function coordinatedOmission(): Promise<void> {
  const stallMs = 500;
  const rate = 1000;
  // Requests intended during the stall wait for its end: latencies spread over 0..stall for
  // stall × rate requests; the top 1 % of the run lie above stall − 1 % × requests / rate.
  const theoryP99Us = (stallMs - (0.01 * SECONDS * rate * 1_000) / rate) * 1_000;
  console.log(`\n3. Coordinated omission: one ${stallMs} ms stall of the workload in a ${SECONDS} s run at ${rate} rps, 4 connections`);
  const ours = await using(startWorkloadTarget({ payloadBytes: 1024, serviceDelayUs: 0, errorRate: 0, stall: { afterMs: 1_000 + (SECONDS * 1_000) / 2, forMs: stallMs } }), (t) =>
    measure(new OpenLoopEngine(), { connections: 4, targetRps: rate, warmupMs: 1_000, durationMs: SECONDS * 1_000, timeoutMs: 5_000 }, t.url),
  );
  const ref = await using(startWorkloadTarget({ payloadBytes: 1024, serviceDelayUs: 0, errorRate: 0, stall: { afterMs: (SECONDS * 1_000) / 2, forMs: stallMs } }), (t) => fortio(t.url, rate, 4, SECONDS));
  const corrected = p(ours.outcome, 99);
  row('P99 corrected', us(corrected), `theory ${us(theoryP99Us)}`, `off by ${pct(corrected / theoryP99Us)} (target within 10%)`);
  row('P99 uncorrected', us(ours.outcome.uncorrected!.getValueAtPercentile(99)), `Fortio P99 ${us(ref.percentilesUs[99] ?? NaN)}`, `Fortio achieved ${ref.rps.toFixed(1)} rps`);
  row('scheduler lag P99', us(ours.outcome.schedulerLag!.getValueAtPercentile(99)));
}

async function rateFidelity(): Promise<void> {
  console.log(`\n4. Rate fidelity against the HAProxy return target, 16 connections, ${SECONDS / 2} s each`);
  for (const rate of [1_000, 5_000, 10_000, 20_000]) {
    for (const workers of rate >= 10_000 ? [1, 2] : [1]) {
      await using(startFastTarget(), async (t) => {
        const { outcome, cpuCores } = await measure(new OpenLoopEngine({ workers }), { connections: 16, targetRps: rate, warmupMs: 1_000, durationMs: (SECONDS / 2) * 1_000, timeoutMs: 5_000 }, t.url);
        const lag = outcome.schedulerLag!;
        row(`${rate} rps, ${workers} worker(s)`, `achieved/target ${(outcome.achievedRps / rate).toFixed(4)}`, `lag P50 ${us(lag.getValueAtPercentile(50))} P99 ${us(lag.getValueAtPercentile(99))}`, `loader CPU ${cpuCores.toFixed(2)} cores`, outcome.loaderSaturated ? 'SATURATED' : 'ok');
      });
    }
  }
}

const missing = await checkTools();
if (missing.length) {
  console.error(`bench:load needs ${missing.join(', ')} on PATH (Fortio: set FORTIO=/path/to/fortio). See bench/README.md.`);
  process.exit(2);
}
console.log(`meshbench load benchmark, ${new Date().toISOString()}, Node ${process.version}`);
await closedLoopVsWrk();
await fixedRateVsFortio();
await coordinatedOmission();
await rateFidelity();
