/** The window's wall-clock edges, as the collectors get them for an in-cluster run. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loaderWindow } from '../../../../src/platforms/kubernetes/loader/runner.ts';
import { followWindow, type WindowPhase } from '../../../../src/platforms/kubernetes/loader/window.ts';
import { rejection } from '../tier.ts';

test('the window follows the warmup from the common start', () => {
  assert.equal(loaderWindow(1_000_000, 5_000, 30_000), { startEpochMs: 1_005_000, endEpochMs: 1_035_000 });
});

test('measure, then drain, each once, in that order (a window already past is told at once)', async () => {
  const phases: WindowPhase[] = [];
  await followWindow({ startEpochMs: Date.now() - 2_000, endEpochMs: Date.now() - 1_000 }, (p) => phases.push(p));
  assert.equal(phases, ['measure', 'drain']);
});

test('an abort before the window ends stops it without telling drain', async () => {
  const phases: WindowPhase[] = [];
  const controller = new AbortController();
  const following = followWindow({ startEpochMs: Date.now() - 1_000, endEpochMs: Date.now() + 3_600_000 }, (p) => {
    phases.push(p);
    controller.abort(new Error('trial failed'));
  }, controller.signal);
  const err = await rejection(following);
  assert.is(err.message, 'trial failed');
  assert.equal(phases, ['measure']);
});

test.run();
