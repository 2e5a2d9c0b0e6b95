/** Progress lines: the tables' latency formatter, and no "about 0ms left" on the last trial. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bar, PlainProgress, TerminalProgress, trialOutcomeText } from '../../src/cli/progress-display.ts';
import { formatUs } from '../../src/report/format.ts';
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

test("the status line: a bar over the window while measuring, the run's bar while deploying, and the run so far", () => {
  const progress = new TerminalProgress({ write: () => true, isTTY: true }, { warmupMs: 2_000, durationMs: 10_000 });
  const result = fakeRun(() => ({ latenciesUs: constant(300), achievedRps: 998 }), { repetitions: 1 });
  const [first, second] = result.trials;
  progress.runStarted(result.trials.map((t) => t.trial), 60_000);
  progress.trialStage(first!.trial, 'measure');
  const t0 = Date.now();
  assert.ok(progress.statusLine(t0 + 5_000).startsWith(`${bar(0.5)} measure 5s/10s · trial 1/3 none c4 rep 1 · 0 failed so far · `), progress.statusLine(t0 + 5_000));
  progress.trialFinished(first!);
  progress.trialStage(second!.trial, 'deploy');
  assert.match(progress.statusLine(), /^\[███████░+\] deploy {2}\d+ms · trial 2\/3 istio c4 rep 1 · last 998 rps · 0 failed so far · (about \d+s|under a second) left$/);
  progress.runFinished(result);
});

test.run();
