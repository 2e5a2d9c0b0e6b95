/**
 * A whole `bench run` as a user runs it: the real CLI in its own process (a fresh loader, as in
 * real use), on loopback, with real Envoy sidecars.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeHistogram } from '../../src/results/histogram.ts';
import type { RunResult } from '../../src/results/model.ts';
import { processesWith, repoRoot } from '../helpers.ts';

test('a tiny scenario runs every trial on loopback, writes result.json and results.csv, and leaves nothing running', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshbench-e2e-'));
  const file = join(dir, 'tiny.yaml');
  // This machine pauses now and then for a few ms (measured: loader lag P99 up to 2.3 ms in
  // 1.5 s windows, and over 20 ms while the rest of `npm test` loads both cores); the test is
  // about the pipeline, so it tolerates that, as a CI config on a shared runner may.
  writeFileSync(file, 'name: tiny e2e\nworkload:\n  payloadBytes: 256\nmeshes: [none, istio, appmesh]\nlocal:\n  layout: loopback\nload:\n  mode: rate\n  rate: 500\n  connections: 2\n  warmup: 500ms\n  duration: 1500ms\n  schedulerLagLimit: 50ms\nresources:\n  sampleInterval: 250ms\nrepetitions: 1\n');
  const cli = spawnSync(process.execPath, [join(repoRoot, 'bin/bench.js'), 'run', 'tiny.yaml', '--output', 'out'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 60_000 });
  assert.is(cli.status, 0, cli.stderr);
  const io = { out: () => cli.stdout };

  const [folder, ...others] = readdirSync(join(dir, 'out'));
  assert.equal(others, []);
  assert.match(folder ?? '', /^\d{8}T\d{6}Z-tiny-e2e$/);
  const result = JSON.parse(readFileSync(join(dir, 'out', folder!, 'result.json'), 'utf8')) as RunResult;
  assert.is(result.status, 'completed');
  assert.is(result.schemaVersion, 4);
  assert.is(result.environment.components.sidecar, 'envoy');
  assert.match(result.environment.components.envoy ?? '', /\/1\.40\.0\//);
  assert.equal(result.trials.map((t) => `${t.trial.mesh}:${t.status}`), ['none:valid', 'istio:valid', 'appmesh:valid'], JSON.stringify(result.trials.map((t) => ('reasons' in t ? t.reasons : t.status))));
  for (const t of result.trials) {
    if (t.status !== 'valid') continue;
    const h = decodeHistogram(t.histograms.latencyUs);
    assert.is(h.totalCount, t.load.responses2xx);
    assert.ok(t.load.responses2xx > 50, `${t.mesh}: ${t.load.responses2xx} responses`);
    assert.is(h.getValueAtPercentile(50), t.latency.p50Us);
    assert.ok(t.latency.p50Us > 0 && t.latency.p99Us! >= t.latency.p50Us);
  }
  // The loader ran as a process of its own (the bundled engine a cluster's Job runs, one loader's
  // result line decoded), with the default pacing; the machine was probed before the first trial.
  for (const t of result.trials) if (t.status === 'valid') assert.match(t.load.engine, /^meshbench open loop \(http\/1\.1, 1 worker, pacing: sleep\+spin \d+µs\) × 1$/);
  assert.ok((result.environment.hostPauses?.durationMs ?? 0) >= 1_500, JSON.stringify(result.environment.hostPauses));
  const istio = result.trials[1]!;
  assert.ok(istio.status === 'valid' && istio.meshLabel === 'istio (local: Envoy 1.40 sidecars with Istio\'s defaults, mTLS)', JSON.stringify(istio));

  const rows = parse(readFileSync(join(dir, 'out', folder!, 'results.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  assert.equal(rows.map((r) => r.mesh), ['none', 'istio', 'appmesh']);
  // The P50 and its added figure, in µs or, on a slow spell of a loaded machine, in ms.
  assert.match(io.out(), /istio \(local: Envoy 1\.40[^\n]+c2-r500\s+[\d.]+ (?:µs|ms)\s+[+−]/, io.out());

  // Resources: roles per mesh, sidecar CPU above zero with load, cores per 1000 rps.
  const roles = (i: number) => {
    const t = result.trials[i]!;
    return t.status === 'valid' ? t.resources.map((r) => `${r.pod}/${r.container}:${r.role}`) : [];
  };
  assert.equal(roles(0), ['workload/app:app', 'loadgen/loadgen:loadgen']);
  for (const i of [1, 2]) {
    const proxy = i === 1 ? 'istio-proxy' : 'envoy';
    assert.equal(roles(i), ['workload/app:app', `loadgen/${proxy}:sidecar`, `workload/${proxy}:sidecar`, 'loadgen/loadgen:loadgen']);
    const t = result.trials[i]!;
    if (t.status !== 'valid') continue;
    for (const r of t.resources) {
      assert.ok(r.cpuCores > 0, `${t.mesh} ${r.container} used no CPU`);
      assert.ok(r.memoryBytesAvg > 1024 * 1024, `${t.mesh} ${r.container} RSS ${r.memoryBytesAvg}`);
      assert.ok(Math.abs(r.windowMs - 1_500) < 150, `window ${r.windowMs} ms`);
    }
  }
  assert.ok(rows.every((r) => r.mesh === 'none' ? r.sidecar_cpu_cores === '' : Number(r.sidecar_cpu_cores) > 0 && Number(r.sidecar_cpu_cores_per_1k_rps) > 0), JSON.stringify(rows.map((r) => [r.mesh, r.sidecar_cpu_cores, r.sidecar_cpu_cores_per_1k_rps])));
  assert.match(io.out(), /sidecar CPU\s+per 1k rps/);

  assert.equal(processesWith(result.runId), [], 'processes of the run are still alive');
  assert.equal(readdirSync(tmpdir()).filter((d) => d.startsWith(`meshbench-${result.runId}`)), [], 'the run folder with keys is left behind');
  assert.not.ok(existsSync(join(dir, 'out', folder!, 'result.json.tmp')));
});

test.run();
