import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDurationMs, isDuration, parseDurationMs, parseDurationUs } from '../../src/scenario/duration.ts';

test('parses units and compounds', () => {
  assert.is(parseDurationUs('250us'), 250);
  assert.is(parseDurationUs('250µs'), 250);
  assert.is(parseDurationMs('500ms'), 500);
  assert.is(parseDurationMs('10s'), 10_000);
  assert.is(parseDurationMs('1m30s'), 90_000);
  assert.is(parseDurationMs('1.5s'), 1_500);
  assert.is(parseDurationMs('2h'), 7_200_000);
  assert.is(parseDurationUs('1ms500us'), 1_500);
});

test('refuses numbers without units and unknown units', () => {
  for (const bad of ['10', '5x', 's', '', '1 s', '-1s']) assert.not.ok(isDuration(bad), bad);
  assert.throws(() => parseDurationMs('10'), /not a duration/);
});

test('formats for people', () => {
  assert.is(formatDurationMs(450), '450ms');
  assert.is(formatDurationMs(12_000), '12s');
  assert.is(formatDurationMs(125_000), '2m05s');
  assert.is(formatDurationMs(3_900_000), '1h05m');
});

test.run();
