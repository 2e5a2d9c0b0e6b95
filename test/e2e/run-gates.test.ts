/**
 * `bench run` judges both kinds of gates and records both: a cross-mesh regression no longer
 * skips the baseline gates (it used to, and left result.gate null, so the run could later join a
 * rolling baseline). Real processes: the local platform on loopback, HAProxy sidecars.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli/main.ts';
import type { RunResult } from '../../src/results/model.ts';
import { captureIO } from '../helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshbench-run-gates-'));
// Three pairs; at --confidence 0.75 their [min, max] is firm (it covers 75 %). A sidecar chain is
// always slower than none, so "istio faster than none" regresses firmly.
writeFileSync(
  join(dir, 'gates.yaml'),
  `name: run-gates\nmeshes: [none, istio]\nlocal: { layout: loopback }\nload: { mode: rate, rate: 200, connections: 2, warmup: 200ms, duration: 600ms, schedulerLagLimit: 200ms, errorBudget: 0.05 }\nrepetitions: 3\ngates:\n  - istio:p50 < none:p50\n`,
);

const newest = (out: string) => join(dir, out, readdirSync(join(dir, out)).sort().at(-1)!, 'result.json');

test('a cross-mesh regression and the baseline gates are both judged, printed and recorded; exit 1', async () => {
  const first = captureIO({ cwd: dir });
  const firstCode = await main(['run', 'gates.yaml', '--output', 'base', '--confidence', '0.75'], first);
  assert.ok([0, 1, 3].includes(firstCode), `exit ${firstCode}: ${first.err()}`);
  const io = captureIO({ cwd: dir });
  const code = await main(['run', 'gates.yaml', '--output', 'cand', '--confidence', '0.75', '--baseline', newest('base'), '--gate', 'p50 < +1000%'], io);
  const result = JSON.parse(readFileSync(newest('cand'), 'utf8')) as RunResult;
  assert.ok(result.gate, `no gate record; exit ${code}\n${io.out()}\n${io.err()}`);
  const sources = new Set(result.gate!.verdicts.map((v) => v.source));
  assert.ok(sources.has('cross-mesh') && sources.has('baseline'), `sources ${[...sources]}\n${io.out()}`);
  assert.match(io.out(), /The decision \(cross-mesh gates of the scenario\)/);
  assert.match(io.out(), /Baseline: /);
  const cross = result.gate!.verdicts.find((v) => v.source === 'cross-mesh')!;
  if (cross.verdict === 'regression') {
    assert.is(code, 1, io.err());
    assert.is(result.gate!.outcome, 'regression');
  } else {
    // A loaded machine may leave a pair invalid: then the cross gate cannot be firm, and says so.
    assert.ok(['inconclusive', 'no-data'].includes(cross.verdict), JSON.stringify(cross));
  }
});

test('a run with no valid trial for a mesh exits 3 and says so; it never serves as a baseline', async () => {
  // Every response is a 503 (a fault for the whole run) against a zero error budget: every trial is invalid.
  writeFileSync(join(dir, 'broken.yaml'), `name: broken\nmeshes: [none]\nlocal: { layout: loopback }\nworkload: { faults: [{ kind: errors, for: 60s }] }\nload: { mode: rate, rate: 100, connections: 1, warmup: 100ms, duration: 300ms, errorBudget: 0 }\nrepetitions: 1\n`);
  const io = captureIO({ cwd: dir });
  assert.is(await main(['run', 'broken.yaml', '--output', 'broken'], io), 3, io.err());
  assert.match(io.err(), /error: no valid trial for none: the run measured nothing usable for that mesh/);
  const later = captureIO({ cwd: dir });
  assert.is(await main(['compare', join(dir, 'broken'), newest('cand')], later), 2, 'a folder whose only run has no valid trial offers no baseline');
  assert.match(later.err(), /no valid trial for none/);
});

test.run();
