/** Progress lines: the tables' latency formatter, no "about 0ms left" on the last trial, and the live figures of a window. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bar, PlainProgress, TerminalProgress, trialOutcomeText } from '../../src/cli/progress-display.ts';
import { formatUs } from '../../src/report/format.ts';
import type { ProgressSink } from '../../src/run/progress.ts';
import { constant, fakeRun } from '../fakes/results.ts';

test('a trial outcome prints its latency as the tables do (467 ms, not 466943 µs)', () => {
  const [trial] = fakeRun(() => ({ latenciesUs: constant(466_943), achievedRps: 10 })).trials;
  if (trial?.status !== 'valid') throw new Error('the fake trial is valid');
  const p99 = formatUs(trial.latency.p99Us!);
  assert.match(p99, /^46\d\.\d ms$/);
  assert.is(trialOutcomeText(trial), `valid: p50 ${formatUs(trial.latency.p50Us)}, p99 ${p99}, 10 rps`);
});

test('plain progress says how long is left, and nothing of it after the last trial', () => {
  let out = '';
  const progress = new PlainProgress({ write: (t: string) => (out += t) });
  const result = fakeRun(() => ({ latenciesUs: constant(300), achievedRps: 1000 }), { repetitions: 1 });
  progress.runStarted(result.trials.map((t) => t.trial), 30_000);
  for (const t of result.trials) progress.trialFinished(t);
  const lines = out.trim().split('\n');
  assert.is(lines.length, 1 + result.trials.length);
  assert.match(lines[1]!, /trial 1\/3 none .*: valid: p50 300 µs, p99 300 µs, 1000 rps \((about \d+s|under a second) left\)$/);
  assert.match(lines[3]!, /trial 3\/3 appmesh .*: valid: p50 300 µs, p99 300 µs, 1000 rps$/);
  assert.not.match(out, /0ms left/);
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test("the status line: a bar over the window while measuring, the run's bar while deploying, and the time left", () => {
  const progress = new TerminalProgress({ write: () => true, isTTY: true }, { warmupMs: 2_000, durationMs: 10_000 });
  const result = fakeRun(() => ({ latenciesUs: constant(300), achievedRps: 998 }), { repetitions: 1 });
  const [first, second] = result.trials;
  progress.runStarted(result.trials.map((t) => t.trial), 60_000);
  progress.trialStage(first!.trial, 'measure');
  const t0 = Date.now();
  assert.match(progress.statusLine(t0 + 5_000), new RegExp(`^${escape(bar(0.5))} measure 5s/10s · trial 1/3 none c4 rep 1 · about \\S+ left$`), progress.statusLine(t0 + 5_000));
  progress.trialFinished(first!);
  progress.trialStage(second!.trial, 'deploy');
  assert.match(progress.statusLine(), /^\[███████░+\] deploy {2}\d+ms · trial 2\/3 istio c4 rep 1 · (about \d+s|under a second) left$/);
  progress.runFinished(result);
});

test("while measuring, the window's rps and failed requests so far from the loader's latest tick", () => {
  const progress = new TerminalProgress({ write: () => true, isTTY: true }, { warmupMs: 2_000, durationMs: 10_000 });
  const result = fakeRun(() => ({ latenciesUs: constant(300), achievedRps: 998 }), { repetitions: 1 });
  const [first] = result.trials;
  progress.runStarted(result.trials.map((t) => t.trial), 60_000);
  progress.trialStage(first!.trial, 'measure');
  // No tick yet: no figure at all, not a zero.
  assert.not.match(progress.statusLine(), / rps|failed/);
  progress.trialLoad({ responses2xx: 1, failed: 0, elapsedMs: 40 });
  assert.match(progress.statusLine(), / · – rps · 0 failed so far · /, 'one response 40 ms in is no rate yet');
  progress.trialLoad({ responses2xx: 2_000, failed: 3, elapsedMs: 2_000 });
  assert.match(progress.statusLine(), /measure .* · trial 1\/3 none c4 rep 1 · 1,000 rps · 3 failed so far · /);
  progress.trialLoad({ responses2xx: 2_400, failed: 3, elapsedMs: 4_000 });
  assert.match(progress.statusLine(), / · 600 rps · 3 failed so far · /, 'each tick replaces the last');
  progress.trialLoad({ responses2xx: 180, failed: 0, elapsedMs: 2_000 });
  assert.match(progress.statusLine(), / · 90.0 rps · /, 'under 100 rps with a decimal, as the tables print it');
  progress.runFinished(result);
});

test('the counts belong to their stage and trial: none in the drain, the next trial, or a trial whose loader tells none', () => {
  const progress = new TerminalProgress({ write: () => true, isTTY: true }, { warmupMs: 2_000, durationMs: 10_000 });
  const result = fakeRun(() => ({ latenciesUs: constant(300), achievedRps: 998 }), { repetitions: 1 });
  const [first, second] = result.trials;
  progress.runStarted(result.trials.map((t) => t.trial), 60_000);
  progress.trialStage(first!.trial, 'measure');
  progress.trialLoad({ responses2xx: 5_000, failed: 7, elapsedMs: 5_000 });
  assert.match(progress.statusLine(), / 1,000 rps · 7 failed so far/);
  progress.trialStage(first!.trial, 'drain');
  assert.not.match(progress.statusLine(), /rps|failed/);
  progress.trialFinished(first!);
  for (const stage of ['deploy', 'warmup', 'measure'] as const) {
    // The second trial's loader runs in a cluster: it never ticks, and the line says nothing of rates.
    progress.trialStage(second!.trial, stage);
    assert.not.match(progress.statusLine(), /rps|failed/, stage);
  }
  progress.runFinished(result);
});

test('the time left counts from the first trial: the probe before it is in no trial\'s estimate', async () => {
  const progress = new TerminalProgress({ write: () => true, isTTY: true }, { warmupMs: 1_000, durationMs: 3_000 });
  const result = fakeRun(() => ({ latenciesUs: constant(300), achievedRps: 998 }), { repetitions: 1 });
  progress.runStarted(result.trials.map((t) => t.trial), 10_000);
  await new Promise((resolve) => setTimeout(resolve, 800)); // the host-pause probe
  progress.trialStage(result.trials[0]!.trial, 'deploy');
  assert.match(progress.statusLine(), / · about 10s left$/, progress.statusLine());
  progress.runFinished(result);
});

test('the log lines of CI have no live figures: PlainProgress takes no ticks', () => {
  const progress: ProgressSink = new PlainProgress({ write: () => true });
  assert.is(progress.trialLoad, undefined);
});

test.run();
