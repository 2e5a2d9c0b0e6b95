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
    for (const c of CANDIDATES) {
      const m = await measure(new OpenLoopEngine({ pacing: c.pacing, spinUs: c.spinUs, pollUs: c.pollUs }), { connections: 4, targetRps: 1000, warmupMs: 1_000, durationMs: SECONDS * 1_000, timeoutMs: 5_000 }, t.url);
      const p50 = m.outcome.ok.getValueAtPercentile(50);
      if (c.pacing === 'spin') spinP50 = p50;
      row(
        c.name,
        `${cores(m.cpuCores)} ${verdict(m.cpuCores <= 0.35)}`,
        `lag P50 ${us(lag(m, 50))} P99 ${us(lag(m, 99))} P99.9 ${us(lag(m, 99.9))} ${verdict(lag(m, 99) <= 100)}`,
        `corrected P50 ${us(p50)} P99 ${us(m.outcome.ok.getValueAtPercentile(99))} (vs spin ${us(p50 - spinP50)} ${verdict(Math.abs(p50 - spinP50) <= 20)})`,
        `uncorrected P50 ${us(m.outcome.uncorrected!.getValueAtPercentile(50))}`,
      );
    }
  });
  await pacingAlone();
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
