/** Cross-mesh gates on crafted runs whose answer is known: pass, regression, inconclusive. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crossMeshDecisions } from '../../../src/results/decision.ts';
import { parseGate } from '../../../src/scenario/gates.ts';
import { constant, fakeRun } from '../../fakes/results.ts';

// App Mesh P99 1000 µs (+ a little per repetition); Istio a given percentage above it.
const run = (istioAbovePct: number, repetitions = 3, gate = 'istio:p99 < appmesh:p99 * 1.10') =>
  fakeRun(
    (mesh, rep) => {
      const appmesh = 1000 + rep * 20;
      const us = mesh === 'none' ? 500 : mesh === 'appmesh' ? appmesh : Math.round(appmesh * (1 + istioAbovePct / 100) + (rep % 2) * 5);
      return { latenciesUs: constant(us), achievedRps: 1000 };
    },
    { repetitions, gates: [gate] },
  );

test('Istio 4 % above App Mesh passes "istio:p99 < appmesh:p99 * 1.10"', () => {
  const [r] = crossMeshDecisions(run(4));
  assert.is(r!.verdict, 'pass');
  assert.is(r!.mesh, 'istio');
  assert.ok(Math.abs(r!.interval!.estimate - 0.04) < 0.01, `estimate ${r!.interval!.estimate}`);
});

test('Istio 30 % above App Mesh is a regression', () => {
  const [r] = crossMeshDecisions(run(30));
  assert.is(r!.verdict, 'regression');
  assert.ok(r!.interval!.low >= 0.1);
});

test('two repetitions are inconclusive (n < 3), however clear the difference', () => {
  const [r] = crossMeshDecisions(run(30, 2));
  assert.is(r!.verdict, 'inconclusive');
  assert.match(r!.note ?? '', /n < 3/);
});

test('an interval that straddles the margin is inconclusive', () => {
  const noisy = fakeRun((mesh, rep) => ({ latenciesUs: constant(mesh === 'appmesh' ? 1000 : mesh === 'istio' ? [1000, 1250, 1050][rep - 1]! : 500), achievedRps: 1000 }), { gates: ['istio:p99 < appmesh:p99 * 1.10'] });
  assert.is(crossMeshDecisions(noisy)[0]!.verdict, 'inconclusive');
});

test('an offset in the metric\'s unit, and "below the other" with no margin', () => {
  const g = parseGate('istio:p50 < appmesh:p50 + 2ms', 't');
  assert.ok(g.kind === 'cross' && g.statistic === 'difference' && g.threshold === 2000);
  const below = run(-20, 3, 'istio:p50 < appmesh:p50');
  assert.is(crossMeshDecisions(below)[0]!.verdict, 'pass');
  const above = run(20, 3, 'istio:p50 < appmesh:p50');
  assert.is(crossMeshDecisions(above)[0]!.verdict, 'regression');
});

test('malformed cross-mesh gates say what is wrong and how to write them', () => {
  const error = (text: string) => {
    try {
      parseGate(text, 'gates[0]');
    } catch (e) {
      return `${(e as Error).message} | ${(e as { fix?: string }).fix}`;
    }
    return 'accepted';
  };
  assert.match(error('istio:p99 < appmesh:p50 * 1.1'), /both sides must name the same metric, not p99 and p50/);
  assert.match(error('istio:p99 < istio:p99 * 1.1'), /compared with itself/);
  assert.match(error('istio:p99 < appmesh:p99 * 1.1ms'), /a factor has no unit/);
  assert.match(error('istio:p99 < appmesh:p99 + 2'), /a latency offset needs a time unit \| write appmesh:p99 \+ 2ms/);
  assert.match(error('istio:sidecar_mem < appmesh:sidecar_mem + 8'), /a memory offset needs MiB/);
  assert.match(error('istio:p99 < appmesh:p99 / 2'), /not a cross-mesh gate expression \| write MESH:METRIC < OTHER:METRIC/);
  assert.match(error('istio:p99 < appmesh:latency * 1.1'), /unknown metric "p99"|both sides must name the same metric/);
  assert.match(error('istio:p99 < appmesh:p99 * 0'), /the factor must be above 0/);
});

test.run();
