/**
 * Closed loop on the local platform through the real CLI (issue 10 defect 1, issue 15): trials of
 * none and istio are valid now that the loader's CPU no longer counts the workload and sidecars
 * it started, and the engine chosen by `load.engine` is named in result.json, results.csv and
 * report.html.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MeasuredTrial, RunResult } from '../../src/results/model.ts';
import { repoRoot } from '../helpers.ts';

function run(engine: string): { result: RunResult; folder: string } {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-max-'));
  writeFileSync(join(dir, 'max.yaml'), `name: max ${engine}\nmeshes: [none, istio]\nlocal: { layout: loopback }\nload: { mode: max, engine: ${engine}, connections: 4, warmup: 500ms, duration: 1500ms }\nrepetitions: 1\n`);
  const cli = spawnSync(process.execPath, [join(repoRoot, 'bin/bench.js'), 'run', 'max.yaml', '--output', 'out'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 60_000 });
  assert.is(cli.status, 0, cli.stderr);
  const folder = join(dir, 'out', readdirSync(join(dir, 'out'))[0]!);
  return { result: JSON.parse(readFileSync(join(folder, 'result.json'), 'utf8')) as RunResult, folder };
}

test('meshbench closed loop: none and istio valid, loader CPU its own, the engine named in every output', () => {
  const { result, folder } = run('meshbench');
  const trials = result.trials as MeasuredTrial[];
  assert.equal(trials.map((t) => `${t.mesh}:${t.status}`), ['none:valid', 'istio:valid'], JSON.stringify(trials.map((t) => t.reasons)));
  for (const t of trials) {
    const loader = t.resources.find((r) => r.role === 'loadgen')!;
    const others = t.resources.filter((r) => r.role !== 'loadgen').reduce((sum, r) => sum + r.cpuCores, 0);
    // Two cores hold the loader, the workload and (istio) two proxies: the loader alone can use at most one.
    assert.ok(loader.cpuCores < 0.9, `${t.mesh}: loader ${loader.cpuCores.toFixed(2)} cores (the others ${others.toFixed(2)})`);
    assert.match(t.load.engine, /^meshbench closed loop/);
  }
  const rows = parse(readFileSync(join(folder, 'results.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.ok(rows.every((r) => /^meshbench closed loop/.test(r.engine ?? '')), JSON.stringify(rows.map((r) => r.engine)));
  assert.match(readFileSync(join(folder, 'report.html'), 'utf8'), /<dt>Load engine<\/dt><dd>meshbench closed loop/);
});

test('load.engine: autocannon is what runs, and what result.json and results.csv say', () => {
  const { result, folder } = run('autocannon');
  assert.ok(result.trials.every((t) => t.status !== 'failed' && t.status !== 'aborted' && /^autocannon \d/.test(t.load.engine)), JSON.stringify(result.trials.map((t) => ('load' in t ? t.load.engine : t.status))));
  const rows = parse(readFileSync(join(folder, 'results.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.ok(rows.every((r) => /^autocannon \d/.test(r.engine ?? '')));
});

test.run();
