/**
 * bench:load section 5: the pacings across rates, which is where SLEEP_UP_TO_RPS in
 * src/load/pacer.ts comes from (section 4, the candidates at 1k rps, is in pacing-candidates.ts).
 */
import { OpenLoopEngine } from '../../src/load/open-loop-engine.ts';
import { SLEEP_SPIN_US, THREAD_SPIN_US } from '../../src/load/pacer.ts';
import { cores, heading, measure, row, SECONDS, us, using, type Measured } from './measure.ts';
import { startFastTarget } from './targets.ts';

const lag = (m: Measured, q: number) => m.outcome.schedulerLag!.getValueAtPercentile(q);

export async function rateFidelity(): Promise<void> {
  heading(`5. Pacing by rate: HAProxy return target, 16 connections, ${SECONDS / 2} s each; achieved = 2xx completed/s, sent = requests sent/s`);
  for (const rate of [1_000, 2_500, 5_000, 10_000, 20_000]) {
    const runs: [string, OpenLoopEngine][] = [
      ['spin', new OpenLoopEngine({ pacing: 'spin' })],
      [`sleep+spin ${SLEEP_SPIN_US}µs (the default)`, new OpenLoopEngine({ pacing: 'sleep' })],
      ['writer thread+adaptive spin', new OpenLoopEngine({ pacing: 'writer' })],
      ['sleep+adaptive spin', new OpenLoopEngine({ pacing: 'adaptive' })],
      [`sender thread+spin ${THREAD_SPIN_US}µs`, new OpenLoopEngine({ pacing: 'thread' })],
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
