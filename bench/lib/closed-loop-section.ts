/** bench:load section 1: the closed loops (meshbench's, autocannon) against wrk -t1. */
import { AutocannonEngine } from '../../src/load/autocannon.ts';
import { ClosedLoopEngine } from '../../src/load/closed-loop.ts';
import { cores, heading, measure, row, SECONDS, us, using, verdict } from './measure.ts';
import { wrk } from './references.ts';
import { startFastTarget } from './targets.ts';

export async function closedLoopVsWrk(): Promise<void> {
  heading(`1. Closed loop vs wrk -t1, HAProxy return target, ${SECONDS / 2} s each (target: meshbench >= 0.8x wrk)`);
  for (const connections of [4, 16]) {
    await using(startFastTarget(), async (t) => {
      const spec = { connections, targetRps: null, warmupMs: 1_000, durationMs: (SECONDS / 2) * 1_000, timeoutMs: 5_000 };
      const ref = await wrk(t.url, connections, SECONDS / 2);
      const ours = await measure(new ClosedLoopEngine(), spec, t.url);
      const ac = await measure(new AutocannonEngine(), spec, t.url);
      const ratio = ours.outcome.achievedRps / ref.rps;
      row(`c=${connections}`, `wrk ${Math.round(ref.rps)} rps (${cores(ref.cpuCores)}, P50 ${us(ref.percentilesUs[50] ?? NaN)})`, `meshbench ${Math.round(ours.outcome.achievedRps)} rps (${cores(ours.cpuCores)}, P50 ${us(ours.outcome.ok.getValueAtPercentile(50))})`, `ratio ${ratio.toFixed(2)} ${verdict(ratio >= 0.8)}`);
      row(`c=${connections}`, `autocannon ${Math.round(ac.outcome.achievedRps)} rps (${cores(ac.cpuCores)})`, `ratio ${(ac.outcome.achievedRps / ref.rps).toFixed(2)}`, `errors meshbench ${JSON.stringify(ours.outcome.errorsByClass)}`);
    });
  }
}
