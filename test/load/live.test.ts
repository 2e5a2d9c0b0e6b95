/**
 * Live counts: every engine tells its window's 2xx and failed requests so far a few times a second,
 * only while the window runs, never more than its outcome holds; the loader process says them on
 * stderr only when its settings ask, in lines that decode back exactly.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AutocannonEngine } from '../../src/load/autocannon.ts';
import { ClosedLoopEngine } from '../../src/load/closed-loop.ts';
import { runClusterLoad } from '../../src/load/cluster-run.ts';
import { decodeLiveLine, encodeLiveLine, LIVE_EVERY_MS, liveRps, LiveTicks } from '../../src/load/live.ts';
import { OpenLoopEngine } from '../../src/load/open-loop-engine.ts';
import type { LiveLoad, LoadEngine, LoadPhase } from '../../src/load/types.ts';
import { startHoldingTarget } from './holding-target.ts';

test('a live line decodes to the counts it was made from; the loader\'s other lines decode to nothing', () => {
  const live = { responses2xx: 12_345, failed: 6, elapsedMs: 2_250 };
  const line = encodeLiveLine({ index: 1, count: 3 }, live);
  assert.is(line, 'meshbench load pod 1/3: live 12345 2xx, 6 failed, 2250 ms into the window');
  assert.equal(decodeLiveLine(line), live);
  assert.is(decodeLiveLine('meshbench load pod 0/1: measure at 2026-12-07T16:00:00.000Z'), undefined);
  assert.is(decodeLiveLine('meshbench-loader-exit 0'), undefined);
});

test('the rate so far is 2xx per second of the window; none in its first instant', () => {
  assert.is(liveRps({ responses2xx: 1_500, failed: 9, elapsedMs: 3_000 }), 500);
  assert.is(liveRps({ responses2xx: 3, failed: 0, elapsedMs: LIVE_EVERY_MS - 1 }), null);
});

test('ticks run from the measure phase to the drain phase only, with the time into the window', async () => {
  const told: LiveLoad[] = [];
  let n = 0;
  const ticks = new LiveTicks(() => ({ responses2xx: ++n, failed: 0 }), (l) => told.push(l));
  ticks.phase('warmup');
  await sleep(LIVE_EVERY_MS * 2);
  assert.is(told.length, 0, 'nothing during warmup');
  ticks.phase('measure');
  await sleep(LIVE_EVERY_MS * 3.5);
  ticks.phase('drain');
  const atDrain = told.length;
  await sleep(LIVE_EVERY_MS * 2);
  assert.is(told.length, atDrain, 'nothing after the drain began');
  assert.ok(atDrain >= 2 && atDrain <= 3, `${atDrain} ticks in 3.5 periods`);
  assert.equal(told.map((t) => t.responses2xx), told.map((_, i) => i + 1));
  assert.ok(told.every((t, i) => t.elapsedMs >= LIVE_EVERY_MS * (i + 1) - 5), JSON.stringify(told));
  ticks.stop();
});

/** Runs `engine` for a 1.2 s window against a target that answers all; what it told and what it returned. */
async function runWatched(engine: LoadEngine, targetRps: number | null) {
  const target = await startHoldingTarget(() => true);
  const told: { live: LiveLoad; phase: LoadPhase }[] = [];
  let phase: LoadPhase = 'warmup';
  try {
    const outcome = await engine.run({ connections: 2, targetRps, warmupMs: 300, durationMs: 1_200, timeoutMs: 1_000 }, target.url, new AbortController().signal, (p) => (phase = p), (live) => told.push({ live, phase }));
    return { told, outcome };
  } finally {
    await target.close();
  }
}

for (const [name, engine, rate] of [
  ['open loop, one worker', new OpenLoopEngine(), 200],
  ['open loop, two workers', new OpenLoopEngine({ workers: 2 }), 200],
  ['closed loop', new ClosedLoopEngine(), null],
  ['autocannon', new AutocannonEngine(), null],
] as const) {
  test(`${name}: counts during the window only, growing, never past the outcome`, async () => {
    const { told, outcome } = await runWatched(engine, rate);
    assert.ok(told.length >= 3, `${told.length} ticks in a 1.2 s window`);
    assert.ok(told.every((t) => t.phase === 'measure'), `told in ${told.map((t) => t.phase).join(', ')}`);
    const counts = told.map((t) => t.live.responses2xx);
    assert.ok(counts.every((c, i) => i === 0 || c >= counts[i - 1]!), `not growing: ${counts.join(', ')}`);
    assert.ok(counts.at(-1)! > 0, 'some responses before the window ended');
    assert.ok(counts.at(-1)! <= outcome.ok.totalCount, `${counts.at(-1)} told, ${outcome.ok.totalCount} in the outcome`);
    assert.ok(told.every((t) => t.live.failed === 0), 'no failures against a target that answers all');
    if (rate !== null) {
      // Open loop: the rate so far is the schedule's, give or take a tick's worth of responses in flight.
      const last = told.at(-1)!.live;
      assert.ok(Math.abs(liveRps(last)! - rate) <= rate * 0.25, `${liveRps(last)} rps so far at ${last.elapsedMs} ms`);
    }
  });
}

test('the loader process says live lines on stderr when its settings ask, and only then', async () => {
  const target = await startHoldingTarget((n) => n % 20 !== 5);
  try {
    const settings = { mode: 'rate' as const, target: target.url.href, rateRps: 100, connections: 4, warmupMs: 100, durationMs: 1_000, timeoutMs: 200 };
    const asked: string[] = [];
    await runClusterLoad({ ...settings, liveCounts: true }, new AbortController().signal, (l) => asked.push(l));
    const live = asked.map(decodeLiveLine).filter((l) => l !== undefined);
    assert.ok(live.length >= 2, asked.join('\n'));
    const measureAt = asked.findIndex((l) => / measure at /.test(l));
    const drainAt = asked.findIndex((l) => / drain at /.test(l));
    const liveAt = asked.flatMap((l, i) => (decodeLiveLine(l) ? [i] : []));
    assert.ok(liveAt.every((i) => i > measureAt && i < drainAt), asked.join('\n'));
    assert.ok(live.at(-1)!.failed > 0, `held requests time out and count as failed: ${JSON.stringify(live.at(-1))}`);
    const unasked: string[] = [];
    await runClusterLoad(settings, new AbortController().signal, (l) => unasked.push(l));
    assert.ok(unasked.some((l) => / measure at /.test(l)), unasked.join('\n'));
    assert.is(unasked.filter((l) => decodeLiveLine(l)).length, 0, 'a cluster pod\'s log gets no live lines');
  } finally {
    await target.close();
  }
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test.run();
