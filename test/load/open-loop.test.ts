/** The open-loop engine against a real workload process on loopback. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli/main.ts';
import { OpenLoopEngine } from '../../src/load/open-loop-engine.ts';
import { startWorkload } from '../../src/platforms/local/workload-process.ts';
import type { RunResult } from '../../src/results/model.ts';
import type { WorkloadOptions } from '../../src/workload/service.ts';
import { captureIO } from '../helpers.ts';

async function withWorkload(o: WorkloadOptions, fn: (url: URL) => Promise<void>): Promise<void> {
  const w = await startWorkload(o, `open-loop-test-${process.pid}`, 10_000, new AbortController().signal);
  try {
    await fn(new URL(`http://127.0.0.1:${w.port}/`));
  } finally {
    await w.process.stop();
  }
}

// The writer thread (it keeps the clock and writes the requests), the sleeping event loop (it
// sends), and the sender thread (which writes requests armed one at a time).
for (const pacing of ['writer', 'sleep', 'thread'] as const) {
  test(`a 300 ms stall of the server: the corrected P99 shows it, the uncorrected one hides it, the loader keeps time (pacing: ${pacing})`, async () => {
    // 500 rps for 2 s after a 200 ms warmup; the server freezes once, 500 ms into the measured window.
    // Theory: requests intended during the stall wait for its end, so latencies spread evenly over
    // 0..300 ms for 15 % of all requests; the top 1 % lie above 300 ms - 10 requests / 500 rps = 280 ms.
    await withWorkload({ payloadBytes: 100, serviceDelayUs: 0, errorRate: 0, stall: { afterMs: 700, forMs: 300 } }, async (url) => {
      const outcome = await new OpenLoopEngine({ pacing }).run({ connections: 4, targetRps: 500, warmupMs: 200, durationMs: 2_000, timeoutMs: 5_000 }, url, new AbortController().signal);
      const corrected = outcome.ok.getValueAtPercentile(99);
      const uncorrected = outcome.uncorrected!.getValueAtPercentile(99);
      assert.ok(corrected > 240_000 && corrected < 320_000, `corrected P99 ${corrected} µs, theory ~280000`);
      assert.ok(uncorrected < 50_000, `uncorrected P99 ${uncorrected} µs`);
      assert.ok(outcome.ok.maxValue >= 290_000, `max ${outcome.ok.maxValue}`);
      // The loader's own lag stays far below the stall it measures: under a fifth of it. (The strict
      // lag figures live in bench/; here the loader is the test process, whose heap and GC the
      // earlier tests share, on a machine whose other work CI saw add 23 ms.)
      assert.ok(outcome.schedulerLag!.getValueAtPercentile(99) < 60_000, `lag P99 ${outcome.schedulerLag!.getValueAtPercentile(99)} µs`);
      assert.is(outcome.ok.totalCount, 1_000);
      assert.is(outcome.achievedRps, 500);
    });
  });
}

test('the scheduler lag limit decides whether the loader counts as saturated', async () => {
  await withWorkload({ payloadBytes: 100, serviceDelayUs: 0, errorRate: 0 }, async (url) => {
    const spec = { connections: 2, targetRps: 200, warmupMs: 100, durationMs: 500, timeoutMs: 5_000 };
    const strict = await new OpenLoopEngine({ lagLimitUs: 0 }).run(spec, url, new AbortController().signal);
    assert.ok(strict.loaderSaturated, 'any lag is over a 0 µs limit');
    const lenient = await new OpenLoopEngine({ lagLimitUs: 60_000_000 }).run(spec, url, new AbortController().signal);
    assert.not.ok(lenient.loaderSaturated);
  });
});

test('two workers split rate and connections, and their histograms merge into the whole run', async () => {
  await withWorkload({ payloadBytes: 100, serviceDelayUs: 0, errorRate: 0.1 }, async (url) => {
    const outcome = await new OpenLoopEngine({ workers: 2 }).run({ connections: 4, targetRps: 600, warmupMs: 200, durationMs: 1_000, timeoutMs: 5_000 }, url, new AbortController().signal);
    assert.is(outcome.ok.totalCount + outcome.non2xx.totalCount, 600);
    assert.ok(outcome.non2xx.totalCount >= 55 && outcome.non2xx.totalCount <= 65, `non-2xx ${outcome.non2xx.totalCount}`);
    assert.is(outcome.uncorrected!.totalCount, 600);
    assert.is(outcome.schedulerLag!.totalCount, 600);
    assert.match(outcome.engine, /2 workers/);
  });
});

test('an overloaded external target: the trial is kept, marked invalid, with the reason', async () => {
  // One connection to a 20 ms service carries at most 50 rps; the scenario asks for 200.
  await withWorkload({ payloadBytes: 100, serviceDelayUs: 20_000, errorRate: 0 }, async (url) => {
    const dir = mkdtempSync(join(tmpdir(), 'meshbench-overload-'));
    writeFileSync(join(dir, 'overload.yaml'), `name: overload\nplatform: external\ntarget: ${url.href}\nload:\n  mode: rate\n  rate: 200\n  connections: 1\n  warmup: 100ms\n  duration: 1s\n  timeout: 1s\nrepetitions: 1\n`);
    const io = captureIO({ cwd: dir });
    // Exit 3: the run's one mesh has no valid trial, and it says so (a run that measured nothing usable is not a success).
    assert.is(await main(['run', 'overload.yaml', '--output', 'out'], io), 3, io.err());
    assert.match(io.err(), /error: no valid trial for none/);
    const [folder] = readdirSync(join(dir, 'out'));
    const result = JSON.parse(readFileSync(join(dir, 'out', folder!, 'result.json'), 'utf8')) as RunResult;
    const [trial] = result.trials;
    assert.is(trial?.status, 'invalid');
    if (trial?.status !== 'invalid') return;
    assert.match(trial.meshLabel, /^external target http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(trial.reasons.some((r) => /\d+\.\d [a-z/]+, more than 1\.0% under the target 200 rps/.test(r)), trial.reasons.join('; '));
    // 2xx completions of requests intended in the 1 s window, the 1 s drain included: at most ~100.
    assert.ok(trial.load.achievedRps < 110, `achieved ${trial.load.achievedRps}`);
    assert.match(io.err(), /1 trial\(s\) are invalid/);
  });
});

test('an external target that does not answer fails the run at deploy with a clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-unreachable-'));
  writeFileSync(join(dir, 'gone.yaml'), 'name: gone\nplatform: external\ntarget: http://127.0.0.1:9/\nload:\n  mode: rate\n  rate: 10\n  duration: 1s\nrepetitions: 1\n');
  const io = captureIO({ cwd: dir });
  assert.is(await main(['run', 'gone.yaml', '--output', 'out'], io), 3);
  assert.match(io.err(), /trial 1 \(none\) failed in deploy: the target http:\/\/127\.0\.0\.1:9\/ does not answer \(ECONNREFUSED\)/);
});

test.run();
