import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spread, summarizeByMeshAndLevel } from '../../src/results/overhead.ts';
import { constant, fakeRun } from '../fakes/results.ts';

const base: Record<string, number> = { none: 100, istio: 600, appmesh: 400 };

test('overhead is the mesh median minus the none median at the same level', () => {
  const run = fakeRun((mesh, rep) => ({ latenciesUs: constant(base[mesh]! + rep), achievedRps: mesh === 'none' ? 10_000 : 5_000 }));
  const rows = summarizeByMeshAndLevel(run);
  const istio = rows.find((r) => r.mesh === 'istio')!;
  assert.is(istio.p50Us?.median, 602);
  assert.is(istio.p50OverheadUs, 500);
  assert.is(istio.rpsChange, -0.5);
  assert.is(rows.find((r) => r.mesh === 'none')!.p50OverheadUs, 0);
});

test('invalid trials are left out of the figures', () => {
  const run = fakeRun((mesh, rep) => ({
    latenciesUs: constant(mesh === 'istio' && rep === 2 ? 90_000 : base[mesh]!),
    achievedRps: 1000,
    status: mesh === 'istio' && rep === 2 ? 'invalid' : 'valid',
  }));
  const istio = summarizeByMeshAndLevel(run).find((r) => r.mesh === 'istio')!;
  assert.is(istio.validTrials, 2);
  assert.is(istio.invalidTrials, 1);
  assert.is(istio.p99Us?.max, 600);
});

test('without a valid baseline there is no overhead figure', () => {
  const run = fakeRun((mesh) => ({ latenciesUs: constant(base[mesh]!), achievedRps: 1000, status: mesh === 'none' ? 'invalid' : 'valid' }));
  const istio = summarizeByMeshAndLevel(run).find((r) => r.mesh === 'istio')!;
  assert.is(istio.p50OverheadUs, null);
  assert.is(istio.rpsChange, null);
});

test('spread gives median, min, max of repetitions', () => {
  assert.equal(spread([3, 1, 2]), { median: 2, min: 1, max: 3, n: 3 });
  assert.equal(spread([4, 1, 2, 3]), { median: 2.5, min: 1, max: 4, n: 4 });
  assert.is(spread([]), null);
});

test.run();
