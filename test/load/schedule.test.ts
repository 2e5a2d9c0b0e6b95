import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Schedule } from '../../src/load/schedule.ts';

test('sends are evenly spaced at the target rate', () => {
  const s = new Schedule({ rateRps: 1000, startMs: 100 });
  assert.equal([0, 1, 2, 3].map((i) => s.intendedMs(i)), [100, 101, 102, 103]);
  const fast = new Schedule({ rateRps: 20_000, startMs: 0 });
  assert.ok(Math.abs(fast.intendedMs(3) - 0.15) < 1e-12);
});

test('workers interleave into one even schedule', () => {
  const all = new Schedule({ rateRps: 3000, startMs: 0 });
  const workers = [0, 1, 2].map((k) => new Schedule({ rateRps: 3000, startMs: 0, offset: k, stride: 3 }));
  const merged = workers.flatMap((w) => [0, 1, 2, 3].map((i) => w.intendedMs(i))).sort((a, b) => a - b);
  assert.equal(merged, Array.from({ length: 12 }, (_, i) => all.intendedMs(i)));
});

test('jitter stays within ±half of its fraction of the interval, averages out, and is reproducible', () => {
  const a = new Schedule({ rateRps: 1000, startMs: 0, jitter: 0.4, seed: 7 });
  const b = new Schedule({ rateRps: 1000, startMs: 0, jitter: 0.4, seed: 7 });
  let sum = 0;
  for (let i = 0; i < 10_000; i++) {
    const t = a.intendedMs(i);
    assert.is(t, b.intendedMs(i));
    const offset = t - i;
    assert.ok(Math.abs(offset) <= 0.2, `offset ${offset}`);
    sum += offset;
  }
  assert.ok(Math.abs(sum / 10_000) < 0.01);
});

test('a non-positive rate is refused', () => {
  assert.throws(() => new Schedule({ rateRps: 0, startMs: 0 }), /rate must be positive/);
});

test.run();
