/**
 * bench:load sections 2 and 3: the open loop at a fixed rate beside wrk2 (also corrected, from
 * intended times) and Fortio (from the actual send), then the same with a 500 ms stall.
 */
import { OpenLoopEngine } from '../../src/load/open-loop-engine.ts';
import type { LoadOutcome } from '../../src/load/types.ts';
import { cores, heading, measure, pct, PERCENTILES, row, SECONDS, us, using } from './measure.ts';
import { fortio, WRK2_CALIBRATION_S, wrk2, type ReferenceFigures } from './references.ts';
import { startWorkloadTarget } from './targets.ts';

const WARMUP_MS = 1_000;

function compare(label: string, o: LoadOutcome, ref: ReferenceFigures, name: string): void {
  for (const q of PERCENTILES) {
    const ours = o.ok.getValueAtPercentile(q);
    const theirs = ref.percentilesUs[q] ?? NaN;
    const gap = Math.abs(ours - theirs) > 100 && Math.abs(ours / theirs - 1) > 0.1 ? '  GAP > 10 % and 100 µs' : '';
    row(`${label} P${q}`, `meshbench ${us(ours)}`, `${name} ${us(theirs)}`, `delta ${us(ours - theirs)} (${pct(ours / theirs)})${gap}`);
  }
}

export async function fixedRate(): Promise<void> {
  heading(`2. 1000 rps against the workload with a 2 ms service delay, ${SECONDS} s windows: meshbench (corrected) vs wrk2 (corrected) and Fortio (from the send)`);
  for (const connections of [4, 16]) {
    await using(startWorkloadTarget({ payloadBytes: 1024, serviceDelayUs: 2_000, errorRate: 0 }), async (t) => {
      const ours = await measure(new OpenLoopEngine(), { connections, targetRps: 1000, warmupMs: WARMUP_MS, durationMs: SECONDS * 1_000, timeoutMs: 5_000 }, t.url);
      const w2 = await wrk2(t.url, 1000, connections, SECONDS);
      const fo = await fortio(t.url, 1000, connections, SECONDS);
      compare(`c=${connections}`, ours.outcome, w2, 'wrk2');
      compare(`c=${connections}`, ours.outcome, fo, 'Fortio');
      row(`c=${connections} uncorrected`, PERCENTILES.map((q) => `P${q} ${us(ours.outcome.uncorrected!.getValueAtPercentile(q))}`).join(', '));
      row(`c=${connections} rate`, `meshbench ${ours.outcome.achievedRps.toFixed(1)} rps (${cores(ours.cpuCores)}, ${ours.outcome.engine})`, `wrk2 ${ref(w2)}`, `Fortio ${ref(fo)}`);
    });
  }
}

const ref = (r: ReferenceFigures) => `${r.rps.toFixed(1)} rps (${cores(r.cpuCores)})`;

/**
 * A 500 ms stall at 1000 rps over 4 connections, 1 ms service. Theory for the corrected P99:
 * requests intended during the stall wait for its end, the oldest longest; afterwards the queue
 * is worked off at `connections` per service time. The k-th oldest waits stall − k/rate + k ×
 * service / connections, so the P99 (the top n = 1 % of the window's requests) is
 * stall − n/rate + n × service / connections, with the service time measured in the same run
 * (meshbench's uncorrected P50: send to response, no queueing).
 */
export async function stall(): Promise<void> {
  const stallMs = 500;
  const rate = 1000;
  const connections = 4;
  heading(`3. Coordinated omission: one ${stallMs} ms stall of a 1 ms workload in a ${SECONDS} s window at ${rate} rps, ${connections} connections`);
  const workload = (afterMs: number) => startWorkloadTarget({ payloadBytes: 1024, serviceDelayUs: 1_000, errorRate: 0, stall: { afterMs, forMs: stallMs } });
  const ours = await using(workload(WARMUP_MS + (SECONDS * 1_000) / 2), (t) => measure(new OpenLoopEngine(), { connections, targetRps: rate, warmupMs: WARMUP_MS, durationMs: SECONDS * 1_000, timeoutMs: 5_000 }, t.url));
  // wrk2's window starts after its calibration: the stall goes in the middle of that window.
  const w2 = await using(workload((WRK2_CALIBRATION_S + SECONDS / 2) * 1_000), (t) => wrk2(t.url, rate, connections, SECONDS));
  const fo = await using(workload((SECONDS * 1_000) / 2), (t) => fortio(t.url, rate, connections, SECONDS));
  const n = (SECONDS * rate) / 100;
  const serviceMs = ours.outcome.uncorrected!.getValueAtPercentile(50) / 1_000;
  const stallOnlyUs = (stallMs - (n * 1_000) / rate) * 1_000;
  const theoryUs = stallOnlyUs + ((n * serviceMs) / connections) * 1_000;
  const corrected = ours.outcome.ok.getValueAtPercentile(99);
  row('theory P99', `${us(theoryUs)} = ${stallMs} ms − ${n} / ${rate} rps + ${n} × ${serviceMs.toFixed(3)} ms / ${connections} (without the work-off: ${us(stallOnlyUs)})`);
  row('P99 corrected', `meshbench ${us(corrected)} (${pct(corrected / theoryUs)} vs theory, target within 10 %)`, `wrk2 ${us(w2.percentilesUs[99] ?? NaN)} (${pct((w2.percentilesUs[99] ?? NaN) / theoryUs)})`);
  compare('stall', ours.outcome, w2, 'wrk2');
  // The stalled requests' latencies fall on a line, L(k) = S − k/rate + k·w (k-th oldest, w the
  // work-off time per request): P99.9 (k = n/10) and P99 (k = n) give the stall S and w each
  // tool actually saw, so a gap can be told apart as the stall's length or the work-off's pace.
  for (const [name, p999, p99] of [['meshbench', ours.outcome.ok.getValueAtPercentile(99.9), corrected], ['wrk2', w2.percentilesUs[99.9] ?? NaN, w2.percentilesUs[99] ?? NaN]] as const) {
    const wMs = 1_000 / rate - (p999 - p99) / 1_000 / (0.9 * n);
    const stallSeenMs = p99 / 1_000 + (n * 1_000) / rate - n * wMs;
    row(`fit ${name}`, `stall as seen ${stallSeenMs.toFixed(1)} ms`, `work-off ${(wMs * 1_000).toFixed(0)} µs per request (${connections} connections: ${(wMs * connections).toFixed(2)} ms per request each)`);
  }
  row('P99 from the send', `meshbench uncorrected ${us(ours.outcome.uncorrected!.getValueAtPercentile(99))}`, `Fortio ${us(fo.percentilesUs[99] ?? NaN)}`, `Fortio ${ref(fo)}`);
  row('scheduler lag', `P50 ${us(ours.outcome.schedulerLag!.getValueAtPercentile(50))}, P99 ${us(ours.outcome.schedulerLag!.getValueAtPercentile(99))}`, ours.outcome.engine);
}
