/** What a run covered: meshes without a valid trial, and the cells an interrupted run reached. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { judgedCells, meshesWithoutValidTrial } from '../../src/results/coverage.ts';
import type { RunResult } from '../../src/results/model.ts';
import { constant, fakeRun } from '../fakes/results.ts';

test('a mesh whose every trial is invalid is listed', () => {
  const run = fakeRun((mesh) => ({ latenciesUs: constant(100), achievedRps: 1000, status: mesh === 'appmesh' ? 'invalid' : 'valid' }));
  assert.equal(meshesWithoutValidTrial(run), ['appmesh']);
});

test('an interrupted run is judged on the cells it reached; a completed one on all', () => {
  const run = fakeRun(() => ({ latenciesUs: constant(100), achievedRps: 1000 }), { load: { mode: 'rate', rate: [100, 200] } });
  assert.is(judgedCells(run).length, 6);
  // Interrupted during the first level: the second was never reached.
  const cut: RunResult = { ...run, status: 'interrupted', trials: run.trials.map((t) => (t.trial.level.targetRps === 200 ? { status: 'aborted', trial: t.trial, mesh: t.mesh, startedAt: t.startedAt, stage: 'deploy' } : t)) };
  assert.equal(judgedCells(cut).map((c) => c.level), ['c4-r100', 'c4-r100', 'c4-r100']);
});

test.run();
