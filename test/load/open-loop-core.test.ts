/** The open-loop state machine on a fake clock: spacing, queueing, and the correction math. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OpenLoopCore } from '../../src/load/open-loop-core.ts';
import { Schedule } from '../../src/load/schedule.ts';
import type { ErrorClass } from '../../src/results/model.ts';

/** A core at 1000 rps (1 ms apart) from t=0 with the measured window [wStart, wEnd). */
function core(connections: number, wStart = 0, wEnd = 1_000) {
  const sends: [number, number][] = [];
  let now = 0;
  const c = new OpenLoopCore(new Schedule({ rateRps: 1000, startMs: 0 }), connections, { measureStartMs: wStart, measureEndMs: wEnd }, (conn) => sends.push([conn, now]));
  return {
    c,
    sends,
    at(t: number) {
      now = t;
      c.due(t);
    },
    complete(conn: number, outcome: number | ErrorClass, t: number) {
      now = t;
      c.complete(conn, outcome, t);
    },
  };
}

test('a request is sent when due, on an idle connection, and its latency is counted from the intended time', () => {
  const f = core(2);
  f.at(0);
  assert.equal(f.sends, [[0, 0]]);
  f.complete(0, 200, 0.3);
  assert.is(f.c.histograms.ok.totalCount, 1);
  assert.is(f.c.histograms.ok.maxValue, 300);
});

test('all requests due by now are sent at once, each with its own scheduler lag', () => {
  const f = core(4);
  f.at(2.5); // slots 0, 1, 2 are due
  assert.equal(f.sends.map(([, t]) => t), [2.5, 2.5, 2.5]);
  const lag = f.c.histograms.schedulerLag;
  assert.is(lag.totalCount, 3);
  assert.is(lag.minNonZeroValue, 500);
  assert.ok(Math.abs(lag.maxValue - 2_500) <= 2);
  assert.is(f.c.nextDue, 3);
});

test('when every connection is busy a due request waits, and still counts from its intended time (coordinated omission corrected)', () => {
  const f = core(1);
  f.at(0); // slot 0 goes out on the only connection
  f.at(1); // slot 1 is due, the connection is busy: queued
  f.at(2); // slot 2 queued as well
  assert.is(f.sends.length, 1);
  assert.is(f.c.outstanding, 3);
  assert.is(f.c.sentInWindow, 1, 'queued requests were not sent');
  f.complete(0, 200, 5); // slot 0 answered after 5 ms; slot 1 goes out now, 4 ms late
  assert.equal(f.sends[1], [0, 5]);
  f.complete(0, 200, 5.5); // slot 1: corrected 4.5 ms, uncorrected 0.5 ms
  f.complete(0, 200, 6); // slot 2: corrected 4 ms, uncorrected 0.5 ms
  const ok = f.c.histograms.ok;
  const uncorrected = f.c.histograms.uncorrected;
  assert.equal([ok.totalCount, ok.minNonZeroValue, ok.maxValue], [3, 4_000, 5_000]);
  assert.ok(Math.abs(ok.getValueAtPercentile(50) - 4_500) <= 3);
  assert.equal([uncorrected.minNonZeroValue, uncorrected.getValueAtPercentile(50), uncorrected.maxValue], [500, 500, 5_000]);
  // The scheduler itself noticed every request on time: queueing is the target's, not the loader's.
  assert.is(f.c.histograms.schedulerLag.maxValue, 1);
});

test('outcomes go to separate histograms: 2xx, non-2xx, errors by class', () => {
  const f = core(3);
  f.at(2);
  f.complete(2, 200, 2.1);
  f.complete(1, 503, 2.2);
  f.complete(0, 'timeout', 2.3);
  const h = f.c.histograms;
  assert.equal([h.ok.totalCount, h.non2xx.totalCount, h.error.totalCount], [1, 1, 1]);
  assert.is(f.c.errorsByClass.timeout, 1);
  assert.is(h.uncorrected.totalCount, 2, 'errors have no response to time from the send');
});

test('only requests intended inside the measured window are recorded; scheduling stops at its end', () => {
  const f = core(10, 3, 6); // warmup slots 0..2, measured 3..5
  for (let t = 0; t <= 8; t++) f.at(t);
  assert.is(f.sends.length, 6, 'no request intended at or after the window end is sent');
  assert.is(f.c.nextDue, Infinity);
  f.sends.forEach(([conn], i) => f.complete(conn, 200, i + 0.2));
  assert.is(f.c.histograms.ok.totalCount, 3);
  assert.is(f.c.histograms.schedulerLag.totalCount, 3);
});

test('requests still outstanding when the run stops count as timeouts, recorded at how long they had waited by then', () => {
  const f = core(1);
  f.at(0);
  f.at(1);
  f.at(2);
  f.c.stopAt(300);
  assert.is(f.c.unfinished, 3);
  assert.is(f.c.errorsByClass.timeout, 3);
  assert.is(f.c.outstanding, 0);
  // Intended at 0, 1 and 2 ms, still waiting at 300 ms: 300, 299 and 298 ms at least.
  const e = f.c.histograms.error;
  assert.is(e.totalCount, 3);
  assert.ok(Math.abs(e.minNonZeroValue - 298_000) <= 300 && Math.abs(e.maxValue - 300_000) <= 300, `${e.minNonZeroValue}..${e.maxValue} µs`);
});

test('overload: 1 connection at 1000 rps for 1 s on a target that never answers; the queued requests are recorded at their real wait (101 ms to 1.1 s), not at the 100 ms timeout', () => {
  // The connection's request times out after 100 ms each time and the next queued one goes out:
  // ten time out in the window, the rest wait in the queue until the drain ends at 1,100 ms.
  const f = core(1);
  let inFlightSince = 0;
  for (let t = 0; t < 1_000; t++) {
    if (t - inFlightSince >= 100) {
      f.complete(0, 'timeout', t);
      inFlightSince = t;
    }
    f.at(t);
  }
  f.c.stopAt(1_100);
  const e = f.c.histograms.error;
  assert.is(e.totalCount, 1_000);
  assert.is(f.c.errorsByClass.timeout, 1_000);
  const p50Ms = e.getValueAtPercentile(50) / 1_000;
  const p99Ms = e.getValueAtPercentile(99) / 1_000;
  // Before, every queued request was put at the timeout: P50 = P99 = 100 ms.
  assert.ok(p50Ms > 550 && p50Ms < 650, `P50 ${p50Ms} ms`);
  assert.ok(p99Ms > 1_050 && p99Ms <= 1_101, `P99 ${p99Ms} ms`);
  assert.ok(e.minNonZeroValue >= 99_000, `fastest failure ${e.minNonZeroValue} µs`);
});

test('a request settled by stopAt() is not counted again when its connection reports it afterwards', () => {
  const f = core(2);
  f.at(0);
  f.at(1);
  f.complete(0, 200, 1.5);
  f.c.stopAt(300);
  // Destroying the sockets makes the transport report the in-flight request once more.
  f.complete(1, 'reset', 400);
  f.complete(1, 200, 401);
  const h = f.c.histograms;
  assert.equal([h.ok.totalCount, h.error.totalCount], [1, 1]);
  assert.equal(f.c.errorsByClass, { timeout: 1, refused: 0, reset: 0, other: 0 });
  assert.is(f.c.scheduledInWindow, 2);
});

test('the wait queue grows past its first capacity without losing order', () => {
  const f = core(1, 0, 5_000);
  for (let t = 0; t < 3_000; t++) f.at(t);
  assert.is(f.c.outstanding, 3_000);
  let t = 3_000;
  for (let i = 0; i < 3_000; i++) f.complete(0, 200, ++t);
  const ok = f.c.histograms.ok;
  assert.is(ok.totalCount, 3_000);
  // Slot i completes at 3001 + i: every corrected latency is 3001 ms.
  assert.ok(Math.abs(ok.minNonZeroValue - 3_001_000) <= 3_001_000 * 0.001 && Math.abs(ok.maxValue - 3_001_000) <= 3_001_000 * 0.001);
});

test('a reserved request (the sender thread writes it): counted when sent, latency from its intended time; only ready idle connections are taken', () => {
  const f = core(2);
  const r = f.c.reserveNext((conn) => conn === 1);
  assert.equal(r, { connection: 1, intendedMs: 0 });
  assert.is(f.c.nextDue, 1, 'the schedule moved on');
  f.c.reservedSent(1, 0.04);
  assert.is(f.c.histograms.schedulerLag.maxValue, 40);
  assert.is(f.c.sentInWindow, 1);
  f.complete(1, 200, 0.3);
  assert.is(f.c.histograms.ok.maxValue, 300, 'corrected: from the intended time');
  assert.is(f.c.histograms.uncorrected.maxValue, 260, 'uncorrected: from the write');
  assert.equal(f.sends, [], 'nothing went through the event loop\'s send');
  assert.is(f.c.reserveNext(() => false), null, 'no connection ready');
});

test('a released reservation not yet due is the next request again; one already due goes out at once', () => {
  const f = core(2);
  f.c.reserveNext(() => true); // slot 0, on connection 0
  f.c.release(0, -0.5); // its socket closed before the write, 0.5 ms ahead of time
  assert.is(f.c.nextDue, 0);
  f.at(0);
  assert.equal(f.sends, [[0, 0]], 'slot 0 went out once, when due');
  assert.is(f.c.nextDue, 1, 'the schedule did not skip or repeat a slot');
  const late = f.c.reserveNext(() => true)!; // slot 1, on connection 1
  f.at(1.2); // nothing more is due: slot 2 is at 2 ms
  f.c.release(late.connection, 1.2); // the thread was late: the slot is due
  assert.equal(f.sends[1], [1, 1.2]);
  assert.is(f.c.scheduledInWindow, 2);
  assert.ok(Math.abs(f.c.histograms.schedulerLag.maxValue - 200) <= 1);
});

test('past the measured window nothing is reserved', () => {
  const f = core(2, 0, 2);
  f.at(1);
  assert.is(f.c.reserveNext(() => true), null);
});

test.run();
