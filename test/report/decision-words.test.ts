/**
 * The decision section says what its numbers say: the real reason a verdict is inconclusive,
 * claims judged only against the real proxy and only on a firm interval, loosened validity rules
 * and what the memory figure is.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gateInWords, decisionSection, caveats } from '../../src/report/decision.ts';
import { renderReports } from '../../src/report/index.ts';
import { renderTerminalTable } from '../../src/report/terminal-table.ts';
import { loosenedRules } from '../../src/results/conditions.ts';
import { summarizeRun } from '../../src/results/summary.ts';
import { constant, fakeRun } from '../fakes/results.ts';

const label = (m: string) => m;

test('an interval wholly above the margin with too few pairs says "not firm" for that reason, not "both sides"', () => {
  const run = fakeRun((mesh) => ({ latenciesUs: constant(mesh === 'appmesh' ? 1000 : mesh === 'istio' ? 1624 : 500), achievedRps: 1000 }), { repetitions: 2, gates: ['istio:p99 < appmesh:p99 * 1.10'] });
  const [d] = summarizeRun(run).decisions;
  const words = gateInWords(d!, label);
  assert.match(words, /istio P99 at c4 is 62 % above appmesh's \(50 % interval \+62\.4% … \+62\.4%\), not firm: 2 pair\(s\) give a 50 % interval, short of the 95 % asked: inconclusive$/);
  assert.not.match(words, /reaches both sides/);
});

test('an interval across the margin says so', () => {
  const reps = [1000, 1250, 1050, 1200, 1020, 1150];
  const run = fakeRun((mesh, rep) => ({ latenciesUs: constant(mesh === 'appmesh' ? 1000 : mesh === 'istio' ? reps[rep - 1]! : 500), achievedRps: 1000 }), { repetitions: 6, gates: ['istio:p99 < appmesh:p99 * 1.10'] });
  assert.match(gateInWords(summarizeRun(run).decisions[0]!, label), /the interval reaches both sides of the 10 % allowed: inconclusive$/);
});

const claims = { istio: { source: 'vendor', p50Added: ['2ms', '5ms'], sidecarMemory: ['50MB', '100MB'] } };

test('a claim about the real mesh against a HAProxy stand-in: "not comparable", in grey, never flagged red', () => {
  const run = fakeRun((mesh) => ({ latenciesUs: constant(mesh === 'none' ? 100 : 400), achievedRps: 1000 }), { repetitions: 6, expectations: claims });
  const withLabel = { ...run, trials: run.trials.map((t) => ({ ...t, meshLabel: `${t.trial.mesh} (local emulation: HAProxy 2.6 sidecars, mTLS, 2 threads)` })) };
  const d = decisionSection(withLabel, summarizeRun(withLabel))!;
  const p50 = d.expectations.find((x) => /P50 added/.test(x.text))!;
  assert.match(p50.text, /measured 300 µs .*not comparable: HAProxy stand-in/);
  assert.equal([p50.flagged, p50.muted], [false, true]);
});

test('local Envoy sidecars speak for a claim about the sidecar\'s own cost, not for one about latency; the page says what ran', () => {
  const run = fakeRun((mesh, rep) => ({ latenciesUs: constant(mesh === 'none' ? 100 : 400), achievedRps: 1000, resources: mesh === 'none' ? [] : [{ pod: 'workload', container: 'sidecar', role: 'sidecar', cpuCores: 0.2, cpuCoresMax: 0.3, memoryBytesAvg: (66 + rep / 10) * 2 ** 20, memoryBytesMax: 70 * 2 ** 20, samples: 8, windowMs: 1000 }] }), { repetitions: 6, expectations: claims });
  const envoy = { ...run, trials: run.trials.map((t) => ({ ...t, meshLabel: `${t.trial.mesh} (local: Envoy 1.40 sidecars with Istio's defaults, mTLS)` })) };
  const d = decisionSection(envoy, summarizeRun(envoy))!;
  assert.match(d.expectations.find((x) => /P50 added/.test(x.text))!.text, /not comparable: local Envoy sidecars with the mesh's defaults/);
  assert.match(d.expectations.find((x) => /memory/.test(x.text))!.text, /measured 66\.\d MiB .*inside the claim/);
  assert.ok(d.caveats.some((c) => /^Local Envoy sidecars, not the meshes' own deployments/.test(c)));
});

test('against a real measurement a claim is judged on the interval, and only when it is firm', () => {
  const real = (repetitions: number) => {
    const run = fakeRun((mesh, rep) => ({ latenciesUs: constant(mesh === 'none' ? 100 : 400 + rep), achievedRps: 1000 }), { repetitions, expectations: claims });
    return { ...run, environment: { ...run.environment, platform: 'kubernetes' } };
  };
  const six = decisionSection(real(6), summarizeRun(real(6)))!.expectations.find((x) => /P50 added/.test(x.text))!;
  assert.match(six.text, /measured 30\d µs \(96\.9 % interval 301 µs … 306 µs, 6 pairs\), below the claimed range/);
  assert.ok(six.flagged);
  const three = decisionSection(real(3), summarizeRun(real(3)))!.expectations.find((x) => /P50 added/.test(x.text))!;
  assert.match(three.text, /75 % interval .* not judged: an interval short of the level asked/);
  assert.not.ok(three.flagged, 'one pair, or three, never contradict a claim');
});

test('a loosened validity rule is listed under what the page does not show, and in every report', () => {
  const base = fakeRun((mesh) => ({ latenciesUs: constant(mesh === 'none' ? 100 : 300), achievedRps: 1000 }), { load: { mode: 'rate', rate: 1000, schedulerLagLimit: '20ms', errorBudget: 0.05 } });
  // bench run puts them among the environment's caveats, which every output states.
  const rules = loosenedRules(base.scenario);
  assert.equal(rules.length, 2);
  const run = { ...base, environment: { ...base.environment, caveats: rules } };
  const said = caveats(run, summarizeRun(run));
  assert.ok(said.some((c) => /Validity loosened: load\.schedulerLagLimit is 20 ms \(default 1 ms\)/.test(c)), said.join('\n'));
  assert.ok(said.some((c) => /Validity loosened: load\.errorBudget is 5\.0 %/.test(c)));
  const files = Object.fromEntries(renderReports(run, ['html', 'md', 'csv', 'junit']).map((f) => [f.path, f.content]));
  for (const name of ['summary.md', 'report.html', 'results.csv', 'junit.xml']) assert.match(files[name]!, /Validity loosened: load\.schedulerLagLimit is 20 ms/, name);
  assert.match(renderTerminalTable(run), /NOTE: Validity loosened/);
  assert.equal(loosenedRules(fakeRun(() => ({ latenciesUs: constant(100), achievedRps: 1000 })).scenario), []);
});

test('memory is "working set" on Kubernetes (the kubelet\'s figure) and RSS on the local platform', () => {
  const run = fakeRun((mesh) => ({ latenciesUs: constant(mesh === 'none' ? 100 : 300), achievedRps: 1000 }));
  assert.match(renderTerminalTable(run), /memory RSS/);
  const k8s = { ...run, environment: { ...run.environment, platform: 'kubernetes' } };
  assert.match(renderTerminalTable(k8s), /memory working set/);
  assert.not.match(renderTerminalTable(k8s), /RSS/);
  const html = renderReports(k8s, ['html']).find((f) => f.path === 'report.html')!.content;
  assert.match(html, /Memory by role at c4 \(working set\)/);
});

test.run();
