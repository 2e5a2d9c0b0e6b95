/** The headline: one sentence per mesh from the summary's paired figures, and the emulation banner. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderReports } from '../../src/report/index.ts';
import { emulationBanner, headlineSentences, headlineText } from '../../src/report/headline.ts';
import { formatUs } from '../../src/report/format.ts';
import { displayNames, headline } from '../../src/results/headline.ts';
import { findCell, summarizeRun } from '../../src/results/summary.ts';
import { constant, fakeRun } from '../fakes/results.ts';
import { layouts } from './layouts.ts';

const migration = layouts.find((l) => l.name === 'migrate-appmesh-to-istio')!.result();

test('a real ztunnel keeps its label, under the mesh\'s name for people', () => {
  const sentences = headlineSentences(headline(summarizeRun(migration), displayNames(migration)));
  assert.match(sentences[2]!, /^Istio ambient \(ztunnel 1\.30\.3, one per node\) adds /);
});

test('one sentence per mesh at the heaviest level, with the paired P50 and P99 added and the pairs', () => {
  const summary = summarizeRun(migration);
  const h = headline(summary, displayNames(migration));
  assert.is(h.level?.targetRps, 1000);
  const istio = findCell(summary, 'istio', h.level!.id)!.added!;
  const sentences = headlineSentences(h);
  assert.equal(sentences.length, 3);
  assert.is(sentences[1], `Istio (local emulation) adds ${formatUs(istio.p50Us!.estimate)} at P50 and ${formatUs(istio.p99Us!.estimate)} at P99 at 1000 rps (the heaviest of 3 load levels); firm, 6 pairs.`);
});

test('the banner names the emulated meshes and not the real ztunnel', () => {
  const banner = emulationBanner(headline(summarizeRun(migration), displayNames(migration)))!;
  assert.match(banner, /^HAProxy stands in for the mesh's own proxy \(AWS App Mesh, Istio\)/);
});

test('the same headline tops report.html and summary.md', () => {
  const files = Object.fromEntries(renderReports(migration, ['html', 'md']).map((f) => [f.path, f.content]));
  const first = headlineSentences(headline(summarizeRun(migration), displayNames(migration)))[0]!;
  const html = files['report.html']!;
  assert.ok(html.indexOf(first) > 0 && html.indexOf(first) < html.indexOf('<section>'), 'the headline comes before the first section');
  assert.ok(html.includes('<p class="banner">HAProxy stands in'));
  assert.ok(files['summary.md']!.split('\n').slice(0, 4).includes(`**${first}**  `), files['summary.md']!.slice(0, 400));
});

test('a firm figure whose interval reaches zero is named: the P99 alone, or both', () => {
  // 98 requests at the P50 and 2 in the tail: P50 and P99 move apart. Istio's P50 is 200 µs over
  // none's in every pair; its P99 difference (and both of App Mesh's) changes sign across pairs.
  const spread = [-300, -200, -100, 100, 200, 300];
  const run = fakeRun((mesh, rep) => {
    const d = spread[rep - 1]!;
    const [p50, tail] = mesh === 'none' ? [500, 5_000] : mesh === 'istio' ? [700, 5_000 + d] : [500 + d, 5_000 + d];
    return { latenciesUs: [...Array<number>(98).fill(p50), tail, tail], achievedRps: 1000 };
  }, { repetitions: 6 });
  const [istio, appmesh] = headlineSentences(headline(summarizeRun(run)));
  assert.match(istio!, /^istio \(fake\) adds 200 µs at P50 and .* at P99 at .*; firm, 6 pairs \(the P99 interval includes no change\)\.$/);
  assert.match(appmesh!, /; firm, 6 pairs \(the P50 and P99 intervals include no change\)\.$/);
});

test('too few pairs say so, a faster mesh says faster, and a run without none says there is nothing to measure against', () => {
  const two = fakeRun((mesh, rep) => ({ latenciesUs: constant(mesh === 'none' ? 500 : mesh === 'istio' ? 700 + rep : 450), achievedRps: 1000 }), { repetitions: 2 });
  const [istio, appmesh] = headlineSentences(headline(summarizeRun(two)));
  assert.match(istio!, /^istio \(fake\) adds 2\d\d µs at P50 and 2\d\d µs at P99 at the maximum rate over 4 connections; not firm: 2 pairs, a firm figure needs 6\.$/);
  assert.match(appmesh!, /is 50 µs faster at P50 and 50 µs faster at P99/);
  const alone = fakeRun(() => ({ latenciesUs: constant(500), achievedRps: 1000 }), { meshes: ['istio', 'appmesh'] });
  assert.match(headlineText(headline(summarizeRun(alone))), /no `none` mesh/);
});

test.run();
