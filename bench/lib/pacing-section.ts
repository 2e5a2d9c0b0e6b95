/**
 * bench:load sections 4 and 5: the pacing candidates at 1k rps (the targets), then both
 * pacings across rates, which is where SLEEP_UP_TO_RPS in src/load/pacer.ts comes from.
 */
import { epochNowMs } from '../../src/load/http1.ts';
import { OpenLoopEngine } from '../../src/load/open-loop-engine.ts';
import { finalSpin, SleepPacer, type PacingKind } from '../../src/load/pacer.ts';
import { createLatencyHistogram, recordLatencyUs } from '../../src/results/histogram.ts';
import { cores, heading, measure, row, SECONDS, us, using, verdict, type Measured } from './measure.ts';
import { startFastTarget, startWorkloadTarget } from './targets.ts';

interface Candidate {
  name: string;
  pacing: PacingKind;
  spinUs?: number;
  pollUs?: number;
}

const CANDIDATES: Candidate[] = [
  { name: 'spin (setImmediate near sends; the loader before issue 15)', pacing: 'spin' },
  { name: 'sleep, no spin (pacing thread wakes the event loop at the send time)', pacing: 'sleep', spinUs: 0 },
  { name: 'sleep+spin 60 µs', pacing: 'sleep', spinUs: 60 },
  { name: 'sleep+spin 100 µs', pacing: 'sleep', spinUs: 100 },
  { name: 'sleep+spin 200 µs', pacing: 'sleep', spinUs: 200 },
  { name: 'sleep+spin 300 µs', pacing: 'sleep', spinUs: 300 },
  { name: 'sleep+adaptive spin (window: recent worst hand-off lateness + 30 µs)', pacing: 'adaptive' },
  { name: 'sleep+spin 100 µs, poll 150 µs after each send', pacing: 'sleep', spinUs: 100, pollUs: 150 },
  { name: 'sleep+spin 200 µs, poll 150 µs after each send', pacing: 'sleep', spinUs: 200, pollUs: 150 },
];

const lag = (m: Measured, q: number) => m.outcome.schedulerLag!.getValueAtPercentile(q);

export async function pacingCandidates(): Promise<void> {
  heading(`4. Pacing candidates: 1000 rps over 4 connections against the 0 ms workload, ${SECONDS} s each (targets: <= 0.35 cores, lag P99 <= 100 µs, corrected P50 within 20 µs of spin)`);
  await using(startWorkloadTarget({ payloadBytes: 1024, serviceDelayUs: 0, errorRate: 0 }), async (t) => {
    let spinP50 = NaN;
    const p50At0 = new Map<string, number>();
    for (const c of CANDIDATES) {
      const m = await measure(new OpenLoopEngine({ pacing: c.pacing, spinUs: c.spinUs, pollUs: c.pollUs }), { connections: 4, targetRps: 1000, warmupMs: 1_000, durationMs: SECONDS * 1_000, timeoutMs: 5_000 }, t.url);
      const p50 = m.outcome.ok.getValueAtPercentile(50);
      if (c.pacing === 'spin') spinP50 = p50;
      p50At0.set(c.name, p50);
      row(
        c.name,
        `${cores(m.cpuCores)} ${verdict(m.cpuCores <= 0.35)}`,
        `lag P50 ${us(lag(m, 50))} P99 ${us(lag(m, 99))} P99.9 ${us(lag(m, 99.9))} ${verdict(lag(m, 99) <= 100)}`,
        `corrected P50 ${us(p50)} P99 ${us(m.outcome.ok.getValueAtPercentile(99))} (vs spin ${us(p50 - spinP50)} ${verdict(Math.abs(p50 - spinP50) <= 20)})`,
        `uncorrected P50 ${us(m.outcome.uncorrected!.getValueAtPercentile(50))}`,
      );
    }
    await offsetBias(p50At0);
  });
  await pacingAlone();
  await spinAlone();
}

/** The candidates whose P50 offset from spin is checked at a second service time. */
const BIAS_CANDIDATES = [CANDIDATES[0]!, CANDIDATES[4]!, CANDIDATES[7]!];
/** Busy work in the workload, so the response comes back this much later (timers step in ms). */
const BIAS_SERVICE_US = 300;

/**
 * What the P50 target protects: a mesh's added latency is a difference of two runs' latencies,
 * so a loader's offset from the spinning loader that stays the same at any response time cancels
 * out, and one that depends on the response time biases every added figure. A sleeping event loop
 * pays a wake-up when a response arrives, whenever it arrives; polling after each send saves
 * that only for responses quicker than the poll window. Each row: the offset from spin at 0 µs
 * (above) and at BIAS_SERVICE_US of service, and their difference: the bias on an added latency.
 */
async function offsetBias(p50At0: Map<string, number>): Promise<void> {
  const p50At: Map<string, number> = new Map();
  await using(startWorkloadTarget({ payloadBytes: 1024, serviceDelayUs: BIAS_SERVICE_US, errorRate: 0 }), async (t) => {
    for (const c of BIAS_CANDIDATES) {
      const m = await measure(new OpenLoopEngine({ pacing: c.pacing, spinUs: c.spinUs, pollUs: c.pollUs }), { connections: 4, targetRps: 1000, warmupMs: 1_000, durationMs: SECONDS * 1_000, timeoutMs: 5_000 }, t.url);
      p50At.set(c.name, m.outcome.ok.getValueAtPercentile(50));
    }
  });
  const spin = BIAS_CANDIDATES[0]!.name;
  for (const c of BIAS_CANDIDATES.slice(1)) {
    const at0 = p50At0.get(c.name)! - p50At0.get(spin)!;
    const atService = p50At.get(c.name)! - p50At.get(spin)!;
    row(`offset from spin, ${c.name}`, `corrected P50 at 0 µs service ${us(at0)}, at ${BIAS_SERVICE_US} µs ${us(atService)}`, `bias on an added latency ${us(atService - at0)} ${verdict(Math.abs(atService - at0) <= 20)}`);
  }
}

/**
 * The machine's floor for the same pacing: sleep+spin 200 µs at 1000 wakes/s with no HTTP at all.
 * Lag this high without a single socket is the machine's (other processes, the VM), not the loader's.
 */
async function pacingAlone(): Promise<void> {
  const pacer = await SleepPacer.start();
  const lagUs = createLatencyHistogram();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const startMs = epochNowMs() + 20;
    for (let i = 0; i < SECONDS * 1_000; i++) {
      const dueMs = startMs + i;
      const woken = pacer.sleepUntil(dueMs - 0.2);
      if (woken) await woken;
      while (!finalSpin(dueMs, epochNowMs)) await new Promise((resolve) => setImmediate(resolve));
      recordLatencyUs(lagUs, (epochNowMs() - dueMs) * 1_000);
    }
  } finally {
    await pacer.close();
  }
  const cpu = process.cpuUsage(cpu0);
  row('machine floor: sleep+spin 200 µs pacing alone, no HTTP', cores((cpu.user + cpu.system) / 1_000 / (performance.now() - t0)), `lag P50 ${us(lagUs.getValueAtPercentile(50))} P99 ${us(lagUs.getValueAtPercentile(99))} P99.9 ${us(lagUs.getValueAtPercentile(99.9))}`);
}

/** The machine's floor for spinning: the old loader's wait (timer, then setImmediate turns) with no HTTP. */
async function spinAlone(): Promise<void> {
  const lagUs = createLatencyHistogram();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const startMs = epochNowMs() + 20;
  for (let i = 0; i < SECONDS * 1_000; i++) {
    const dueMs = startMs + i;
    const early = dueMs - epochNowMs() - 2;
    if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
    while (epochNowMs() < dueMs) await new Promise((resolve) => setImmediate(resolve));
    recordLatencyUs(lagUs, (epochNowMs() - dueMs) * 1_000);
  }
  const cpu = process.cpuUsage(cpu0);
  row('machine floor: spin pacing alone, no HTTP', cores((cpu.user + cpu.system) / 1_000 / (performance.now() - t0)), `lag P50 ${us(lagUs.getValueAtPercentile(50))} P99 ${us(lagUs.getValueAtPercentile(99))} P99.9 ${us(lagUs.getValueAtPercentile(99.9))}`);
}

export async function rateFidelity(): Promise<void> {
  heading(`5. Pacing by rate: HAProxy return target, 16 connections, ${SECONDS / 2} s each; achieved = 2xx completed/s, sent = requests sent/s`);
  for (const rate of [1_000, 2_500, 5_000, 10_000, 20_000]) {
    const runs: [string, OpenLoopEngine][] = [
      ['spin', new OpenLoopEngine({ pacing: 'spin' })],
      ['sleep+spin 200µs', new OpenLoopEngine({ pacing: 'sleep', spinUs: 200 })],
      ['sleep+adaptive spin', new OpenLoopEngine({ pacing: 'adaptive' })],
    ];
    if (rate === 20_000) runs.push(['2 workers, default', new OpenLoopEngine({ workers: 2 })]);
    for (const [name, engine] of runs) {
      await using(startFastTarget(), async (t) => {
        const m = await measure(engine, { connections: 16, targetRps: rate, warmupMs: 1_000, durationMs: (SECONDS / 2) * 1_000, timeoutMs: 5_000 }, t.url);
        const o = m.outcome;
        row(`${rate} rps, ${name}`, `achieved/target ${(o.achievedRps / rate).toFixed(4)}, sent/target ${(o.sentRps / rate).toFixed(4)}`, `lag P50 ${us(lag(m, 50))} P99 ${us(lag(m, 99))}`, cores(m.cpuCores), o.loaderSaturated ? 'SATURATED' : 'ok');
      });
    }
  }
}
