/** Which engine and which pacing a run gets, as documented in src/load/index.ts and pacer.ts. */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AutocannonEngine } from '../../src/load/autocannon.ts';
import { ClosedLoopEngine } from '../../src/load/closed-loop.ts';
import { choosePacing, engineFor, SLEEP_SPIN_US, SLEEP_UP_TO_RPS, WINDOW_MAX_US, WINDOW_MIN_US } from '../../src/load/index.ts';
import { OpenLoopEngine } from '../../src/load/open-loop-engine.ts';
import { SleepPacer, SpinWindow, THREAD_SPIN_US, WRITER_FIRST_WINDOW_US } from '../../src/load/pacer.ts';
import { startHoldingTarget } from './holding-target.ts';

test('mode max: meshbench\'s closed loop by default, autocannon when asked; mode rate: the open loop, never autocannon', () => {
  assert.instance(engineFor({ mode: 'max' }), ClosedLoopEngine);
  assert.instance(engineFor({ mode: 'max', engine: 'meshbench' }), ClosedLoopEngine);
  assert.instance(engineFor({ mode: 'max', engine: 'autocannon' }), AutocannonEngine);
  assert.instance(engineFor({ mode: 'rate', workers: 2 }), OpenLoopEngine);
  assert.throws(() => engineFor({ mode: 'rate', engine: 'autocannon' }), /autocannon has no fixed-rate mode/);
});

test('pacing: sleep up to the documented rate per worker, spin above it; forced when asked; never a writing thread over TLS', () => {
  assert.equal(choosePacing(1_000), { kind: 'sleep', spinUs: SLEEP_SPIN_US, pollUs: 0, label: `sleep+spin ${SLEEP_SPIN_US}µs` });
  assert.equal(choosePacing(1_000, 'writer'), { kind: 'writer', spinUs: WRITER_FIRST_WINDOW_US, pollUs: 0, label: `writer thread+adaptive spin ${WINDOW_MIN_US}-${WINDOW_MAX_US}µs` });
  assert.is(choosePacing(1_000, 'writer', undefined, 0, 'https:').kind, 'sleep', 'the writer thread cannot write TLS records');
  assert.equal(choosePacing(1_000, 'thread'), { kind: 'thread', spinUs: THREAD_SPIN_US, pollUs: 0, label: `sender thread+spin ${THREAD_SPIN_US}µs` });
  assert.is(choosePacing(1_000, 'sleep', 100, 150).label, 'sleep+spin 100µs+poll 150µs');
  assert.is(choosePacing(SLEEP_UP_TO_RPS).kind, 'sleep');
  assert.equal(choosePacing(SLEEP_UP_TO_RPS + 1), { kind: 'spin', spinUs: 0, pollUs: 0, label: 'spin' });
  assert.is(choosePacing(100, 'spin').kind, 'spin');
  assert.is(choosePacing(50_000, 'sleep', 80).label, 'sleep+spin 80µs');
  assert.is(choosePacing(1_000, 'thread', 100, 0, 'https:').kind, 'sleep', 'the sender thread cannot write TLS records');
  assert.match(new OpenLoopEngine({ pacing: 'thread' }).describe(1_000, 'https:'), /pacing: sleep\+spin/);
  // The rate per worker decides: two workers at twice the limit each sleep.
  assert.match(new OpenLoopEngine({ workers: 2 }).describe(2 * SLEEP_UP_TO_RPS), /2 workers, pacing: sleep\+spin/);
  assert.match(new OpenLoopEngine({ workers: 1 }).describe(2 * SLEEP_UP_TO_RPS), /1 worker, pacing: spin\)$/);
  // "As documented": the README states both numbers; a change to one must change the other.
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
  assert.ok(readme.includes(`Up to ${SLEEP_UP_TO_RPS.toLocaleString('en-US')} rps per worker the loader sleeps`), `README: sleeps up to ${SLEEP_UP_TO_RPS} rps per worker`);
  assert.ok(readme.includes(`spins only the last ${SLEEP_SPIN_US} µs before each send (\`pacing: sleep+spin ${SLEEP_SPIN_US}µs\``), `README: spin window ${SLEEP_SPIN_US} µs`);
});

test('the adaptive spin window follows the hand-off\'s recent worst lateness within its bounds; a fixed one never moves', () => {
  const fixed = new SpinWindow(choosePacing(1_000, 'sleep', 120));
  fixed.observe(5);
  assert.is(fixed.ms, 0.12);
  const adaptive = new SpinWindow(choosePacing(1_000, 'adaptive'));
  assert.is(choosePacing(1_000, 'adaptive').label, 'sleep+adaptive spin');
  adaptive.observe(0.01); // woken 10 µs late: window 10 + 30 µs margin
  assert.ok(Math.abs(adaptive.ms - 0.04) < 1e-9, `${adaptive.ms}`);
  adaptive.observe(0.1); // a 100 µs hand-off widens it at once
  assert.ok(Math.abs(adaptive.ms - 0.13) < 1e-9, `${adaptive.ms}`);
  for (let i = 0; i < 700; i++) adaptive.observe(0.005);
  assert.ok(adaptive.ms > 0.06 && adaptive.ms < 0.1, `fades slowly: ${adaptive.ms}`);
  adaptive.observe(50); // a 50 ms pause of the machine: capped
  assert.is(adaptive.ms, 0.5);
});

test('a run names the pacing it used in its outcome', async () => {
  const target = await startHoldingTarget(() => true);
  try {
    const spec = { connections: 2, targetRps: 200, warmupMs: 50, durationMs: 200, timeoutMs: 1_000 };
    const threaded = await new OpenLoopEngine({ pacing: 'thread' }).run(spec, target.url, new AbortController().signal);
    assert.match(threaded.engine, /pacing: sender thread\+spin \d+µs/);
    assert.is(threaded.ok.totalCount, 40);
    const written = await new OpenLoopEngine({ pacing: 'writer' }).run(spec, target.url, new AbortController().signal);
    // The windows it used: within the bounds, or none at all where no window could keep the run valid.
    const used = /pacing: writer thread\+adaptive spin \d+-\d+µs \(used (\d+)µs mean, (\d+)-(\d+)µs\)/.exec(written.engine);
    assert.ok(used, written.engine);
    const [mean, least, most] = [Number(used[1]), Number(used[2]), Number(used[3])];
    assert.ok((least === 0 || least >= WINDOW_MIN_US) && most <= WINDOW_MAX_US && least <= mean && mean <= most, written.engine);
    assert.is(written.ok.totalCount, 40);
    const slept = await new OpenLoopEngine().run(spec, target.url, new AbortController().signal);
    assert.match(slept.engine, /pacing: sleep\+spin \d+µs/);
    assert.is(slept.ok.totalCount, 40);
    const spun = await new OpenLoopEngine({ pacing: 'spin' }).run(spec, target.url, new AbortController().signal);
    assert.match(spun.engine, /pacing: spin/);
    assert.is(spun.ok.totalCount, 40);
  } finally {
    await target.close();
  }
});

test('a finished run has said warmup, measure and drain, in order, whichever ends first: the loop or its drain timer', async () => {
  // The loop ends on the turn the window ends when nothing is outstanding; the drain timer is set
  // for that same instant. The netns loader once saw a run end without 'drain' (its collectors'
  // window then never closed); the engine now says what the timers have not said yet.
  const target = await startHoldingTarget(() => true);
  try {
    for (const pacing of ['spin', 'sleep', 'thread', 'writer', 'spin', 'sleep', 'thread', 'writer'] as const) {
      const said: string[] = [];
      await new OpenLoopEngine({ pacing }).run({ connections: 2, targetRps: 200, warmupMs: 30, durationMs: 100, timeoutMs: 1_000 }, target.url, new AbortController().signal, (p) => said.push(p));
      assert.equal(said, ['warmup', 'measure', 'drain'], pacing);
    }
  } finally {
    await target.close();
  }
});

test('the pacing thread never wakes the event loop before the time asked, and wakes it at once on abort', async () => {
  const pacer = await SleepPacer.start();
  try {
    for (const aheadMs of [0.3, 2, 5]) {
      const at = performance.timeOrigin + performance.now() + aheadMs;
      await pacer.sleepUntil(at);
      assert.ok(performance.timeOrigin + performance.now() >= at, `woke before ${aheadMs} ms had passed`);
    }
    const far = pacer.sleepUntil(performance.timeOrigin + performance.now() + 60_000);
    pacer.wakeNow();
    await far;
  } finally {
    await pacer.close();
  }
});

test.run();
