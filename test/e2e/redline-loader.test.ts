/** Redline: the loader's own limit is never reported as the target's. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bench, readResult, startTarget, steps, stop } from './redline-helpers.ts';

test('the loader limit: a target that answers at once and a one-worker loader end with "limited by the load generator", not a mesh figure', async () => {
  const target = await startTarget(100_000, 0);
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-redline-'));
  try {
    // A loader held to 50 µs of lag: it is behind its schedule long before the target is full.
    // (With the 1 ms default on a quiet machine the pacing thread kept up to 4,000 rps, and the
    // target, a Node process on the same two cores, filled first at about 2,800: a true redline
    // of that machine, so not this test's case; CI saw it at 17:24.)
    writeFileSync(join(dir, 'r.yaml'), `name: redline loader limit\nplatform: external\ntarget: ${target.url}\nload:\n  mode: redline\n  connections: 4\n  workers: 1\n  warmup: 500ms\n  duration: 1s\n  schedulerLagLimit: 50us\n  redline: { p99: 50ms, min: 2000, max: 90000 }\nrepetitions: 2\n`);
    const run = bench(dir, ['run', 'r.yaml', '--output', 'out'], 240_000);
    const result = readResult(dir);
    const [none] = result.redline ?? [];
    assert.ok(none, `no redline summary; ${run.stderr}`);
    assert.is(none.redlineRps, null, `a mesh figure was reported: ${JSON.stringify(none)}; steps ${steps(result)}`);
    assert.ok(none.loaderLimitedAtRps !== null && none.loaderLimitedAtRps >= 2000, JSON.stringify(none));
    assert.match(none.stopped, new RegExp(`^limited by the load generator at ${none.loaderLimitedAtRps} rps: .*load\\.workers: 2`));
    // It fell behind twice at that rate (once could be a neighbour's pause), and the search did not go on, nor repeat.
    const last = result.trials.slice(-2);
    assert.equal(last.map((t) => t.trial.level.targetRps), [none.loaderLimitedAtRps, none.loaderLimitedAtRps]);
    assert.ok(last.every((t) => t.status === 'invalid' && t.reasons.some((r) => r.startsWith('the load generator'))), steps(result));
    assert.ok(result.trials.every((t) => t.trial.repetition === 1), steps(result));
    assert.match(run.stdout, /limited by the load generator at [\d,]+ rps/);
  } finally {
    await stop(target);
  }
});

test.run();
