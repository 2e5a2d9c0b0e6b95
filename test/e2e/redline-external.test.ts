/** Redline on platform external against a target of known capacity (see redline-helpers.ts). */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bench, readResult, startTarget, steps, stop } from './redline-helpers.ts';

test('external: a target of 4 slots × 10 ms (400 rps) gives a redline within 10 % of 400, with an interval from 3 searches', async () => {
  const target = await startTarget(4, 10);
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-redline-'));
  try {
    writeFileSync(
      join(dir, 'r.yaml'),
      `name: redline external\nplatform: external\ntarget: ${target.url}\nload:\n  mode: redline\n  connections: 8\n  warmup: 1s\n  duration: 3s\n  schedulerLagLimit: 1s\n  redline: { p99: 250ms, errors: 0.1%, min: 100, max: 1600 }\nrepetitions: 3\n`,
    );
    const plan = bench(dir, ['plan', 'r.yaml'], 20_000);
    assert.is(plan.status, 0, plan.stderr);
    assert.match(plan.stdout, /budget: 12 steps per search × 3 searches = at most 36 trials/);
    const run = bench(dir, ['run', 'r.yaml', '--output', 'out'], 240_000);
    const result = readResult(dir);
    assert.is(run.status, 0, `${run.stderr}\n${steps(result)}`);
    const [none] = result.redline ?? [];
    assert.ok(none, 'result.json has no redline summary');
    const found = none.redlineRps!;
    process.stdout.write(`  external: redline ${JSON.stringify(found)} of a 400 rps target\n`);
    assert.ok(found.estimate >= 360 && found.estimate <= 440, `redline ${JSON.stringify(found)}; steps ${steps(result)}`);
    assert.is(found.level, 0.75, 'three searches: [min, max] of three is a 75 % sign-test interval');
    assert.equal(none.ends, ['converged', 'converged', 'converged']);
    assert.is(none.loaderLimitedAtRps, null);
    // Every step is a trial like any other, kept with its validity and its place in the search.
    assert.ok(result.trials.every((t) => t.trial.redline !== undefined && (t.status === 'valid' || t.status === 'invalid')), steps(result));
    assert.equal(result.trials.slice(0, 3).map((t) => t.trial.level.targetRps), [100, 200, 400]);
    assert.ok(result.levels.length >= 5 && result.levels.every((l) => l.connections === 8));
    assert.match(run.stdout, /Redline: the highest rate that holds P99 ≤ 250\.0 ms/);
    assert.match(run.stdout, /none: 3 of 3 search\(es\) converged within 5\.0%/);
    const html = readFileSync(join(dir, 'out', readdirSync(join(dir, 'out'))[0]!, 'report.html'), 'utf8');
    assert.match(html, /Redline: the highest rate each mesh holds/);
    assert.match(html, new RegExp(`<g class="series" data-points="${result.trials.length}">`));
    assert.match(html, /class="redline-mark"/);
  } finally {
    await stop(target);
  }
});

test.run();
