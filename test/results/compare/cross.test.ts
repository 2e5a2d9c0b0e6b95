/** Cross-mesh gates on crafted runs whose answer is known: pass, regression, inconclusive. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crossMeshDecisions } from '../../../src/results/decision.ts';
import { parseGate } from '../../../src/scenario/gates.ts';
import { constant, fakeRun } from '../../fakes/results.ts';

// App Mesh P99 1000 µs (+ a little per repetition); Istio a given percentage above it.
const run = (istioAbovePct: number, repetitions = 6, gate = 'istio:p99 < appmesh:p99 * 1.10') =>
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

test('two repetitions are inconclusive, however clear the difference; three are too at 95 % (a 75 % interval)', () => {
  const [two] = crossMeshDecisions(run(30, 2));
  assert.is(two!.verdict, 'inconclusive');
  assert.match(two!.note ?? '', /2 pair\(s\) give a 50 % interval, short of the 95 % asked; a firm verdict needs 6/);
  const [three] = crossMeshDecisions(run(30, 3));
  assert.is(three!.verdict, 'inconclusive');
  assert.is(three!.interval!.level, 0.75);
});

test('an interval that straddles the margin is inconclusive', () => {
  const noisy = fakeRun((mesh, rep) => ({ latenciesUs: constant(mesh === 'appmesh' ? 1000 : mesh === 'istio' ? [1000, 1250, 1050, 1200, 1020, 1150][rep - 1]! : 500), achievedRps: 1000 }), { gates: ['istio:p99 < appmesh:p99 * 1.10'], repetitions: 6 });
  assert.is(crossMeshDecisions(noisy)[0]!.verdict, 'inconclusive');
});

test('an offset in the metric\'s unit, and "below the other" with no margin', () => {
  const g = parseGate('istio:p50 < appmesh:p50 + 2ms', 't');
  assert.ok(g.kind === 'cross' && g.statistic === 'difference' && g.threshold === 2000);
  const below = run(-20, 6, 'istio:p50 < appmesh:p50');
  assert.is(crossMeshDecisions(below)[0]!.verdict, 'pass');
  const above = run(20, 6, 'istio:p50 < appmesh:p50');
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

test('a throughput gate reads the invalid trials it exists to catch (4 of 7 istio reps at half the rate)', () => {
  // istio reached 500 of 1000 rps in repetitions 1-4 (invalid: missed the rate); 5-7 are valid at 1000.
  const r = fakeRun(
    (mesh, rep) => ({ latenciesUs: constant(1000), achievedRps: mesh === 'istio' && rep <= 4 ? 500 : 1000, status: mesh === 'istio' && rep <= 4 ? 'invalid' : 'valid' }),
    { repetitions: 7, gates: ['istio:rps > appmesh:rps * 0.95'] },
  );
  const [d] = crossMeshDecisions(r);
  assert.is(d!.candidateSamples, 7, 'every measured trial');
  // On the 3 valid pairs alone this said pass; with all 7 the median is −50 % and 3 fine pairs keep it from firm.
  assert.is(d!.verdict, 'inconclusive', `${d!.verdict}: ${d!.note}`);
  assert.is(d!.interval!.estimate, -0.5);
  const allSlow = fakeRun((mesh) => ({ latenciesUs: constant(1000), achievedRps: mesh === 'istio' ? 500 : 1000, status: mesh === 'istio' ? 'invalid' : 'valid' }), { repetitions: 7, gates: ['istio:rps > appmesh:rps * 0.95'] });
  assert.is(crossMeshDecisions(allSlow)[0]!.verdict, 'regression', 'every repetition invalid for the rate: a firm regression, not no data');
});

test.run();
