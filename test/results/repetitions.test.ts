/** Each repetition's P50/P99, in the order run, with gaps where a repetition was invalid. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repetitionFigures } from '../../src/results/repetitions.ts';
import { constant, fakeRun } from '../fakes/results.ts';

test('figures by repetition follow each trial, and an invalid repetition is a gap', () => {
  const result = fakeRun((mesh, rep) => ({ latenciesUs: constant(mesh === 'none' ? 100 * rep : 500 + rep), achievedRps: 1000, status: mesh === 'istio' && rep === 2 ? 'invalid' : 'valid' }));
  const figures = repetitionFigures(result, result.levels[0]!.id);
  assert.equal(figures.map((f) => f.mesh), ['none', 'istio', 'appmesh']);
  assert.equal(figures[0]!.p50Us, [100, 200, 300]);
  assert.equal(figures[1]!.p50Us, [501, null, 503]);
  assert.equal(figures[1]!.p99Us, [501, null, 503]);
});

test.run();
