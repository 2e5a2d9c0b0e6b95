/** Every result file ever written is read: one fixture per schema version, upgraded on read. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli/main.ts';
import { decodeHistogram } from '../../src/results/histogram.ts';
import { SCHEMA_VERSION } from '../../src/results/model.ts';
import { readResult } from '../../src/results/store.ts';
import { captureIO, fixture } from '../helpers.ts';

const V1 = fixture('results/v1-result.json');

test('a version-1 file (a real run of meshbench 0.1.0) reads as the current version', async () => {
  const raw = JSON.parse(readFileSync(V1, 'utf8'));
  assert.is(raw.schemaVersion, 1);
  const r = await readResult(V1);
  assert.is(r.schemaVersion, SCHEMA_VERSION);
  assert.equal(r.source, { kind: 'measured' });
  assert.is(r.gate, null);
  assert.is(r.environment.layout, 'loopback');
  assert.equal(r.environment.components, { haproxy: raw.environment.haproxyVersion });
  for (const [i, t] of r.trials.entries()) {
    if (t.status !== 'valid' && t.status !== 'invalid') continue;
    const old = raw.trials[i].load;
    // v1's open-loop achievedRps was the sent rate: kept as sentRps; achieved is now completed 2xx.
    assert.is(t.load.sentRps, old.achievedRps);
    assert.ok(Math.abs(t.load.achievedRps - (old.responses2xx * 1000) / old.durationMs) < 1e-9);
    assert.is(t.load.clampedLatencies, null, 'v1 did not count clamped values: unknown, not zero');
    assert.is(t.windowStartedAt, null);
    const all = decodeHistogram(t.histograms.latencyUs).totalCount + decodeHistogram(t.histograms.non2xxLatencyUs).totalCount + decodeHistogram(t.histograms.errorLatencyUs).totalCount;
    assert.is(t.allAttemptsLatency.count, all);
  }
});

test('a version-2 file (a real run of meshbench before round 3, gated by its compare) reads as the current version', async () => {
  const V2 = fixture('results/v2-result.json');
  const raw = JSON.parse(readFileSync(V2, 'utf8'));
  assert.is(raw.schemaVersion, 2);
  const r = await readResult(V2);
  assert.is(r.schemaVersion, SCHEMA_VERSION);
  // v2 recorded only pass or regression, and no verdicts (its "pass" here was two inconclusive gates).
  assert.equal(r.gate, { ...raw.gate, verdicts: [] });
  assert.equal(r.trials.map((t) => t.status), raw.trials.map((t: { status: string }) => t.status));
});

test('a version-3 file (a real run of meshbench this round, before the bandwidth mode) reads as the current version, unchanged but for its version', async () => {
  const V3 = fixture('results/v3-result.json');
  const raw = JSON.parse(readFileSync(V3, 'utf8'));
  assert.is(raw.schemaVersion, 3);
  const r = await readResult(V3);
  assert.is(r.schemaVersion, SCHEMA_VERSION);
  assert.equal({ ...r, schemaVersion: 3 }, raw);
  assert.equal(r.trials.map((t) => t.status), Array(9).fill('valid'));
});

test('bench report writes every report from a version-1 file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-upgrade-'));
  const io = captureIO({ cwd: dir });
  assert.is(await main(['report', V1, '--output', 'out'], io), 0, io.err());
  assert.equal(readdirSync(join(dir, 'out')).sort(), ['histograms', 'junit.xml', 'report.html', 'results.csv', 'summary.csv', 'summary.md']);
});

test('a file of an unknown version is refused with what to do', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-upgrade-'));
  writeFileSync(join(dir, 'result.json'), JSON.stringify({ ...JSON.parse(readFileSync(V1, 'utf8')), schemaVersion: 99 }));
  await readResult(join(dir, 'result.json')).then(
    () => assert.unreachable('version 99 must be refused'),
    (e: Error & { fix?: string }) => {
      assert.match(e.message, /result schema version 99 is not one this meshbench reads \(1 to \d+\)/);
      assert.match(e.fix ?? '', /re-run the scenario/);
    },
  );
});

test.run();
