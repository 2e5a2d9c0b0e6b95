/**
 * The metrics.k8s.io fallback's window rule (issue 24, item 15). metrics-server cannot run here
 * (no container registry, and the API server tier has no aggregated metrics API), so a small
 * stand-in answers the one call the collector makes, the way metrics-server does: each answer an
 * average over its own `window` ending at its `timestamp`, the same answer until the next scrape.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MetricsApiCollector, parseGoDurationMs, type MetricsApiClient } from '../../src/collectors/metrics-api.ts';
import { RunError } from '../../src/errors.ts';
import type { WatchedContainer } from '../../src/platforms/types.ts';

const APP: WatchedContainer = { kind: 'kubernetes', namespace: 'ns', pod: 'p', container: 'app', role: 'app', node: 'n' };

/** metrics-server scraping every `scrapeMs`, each answer averaged over the scrape before it, on a 2-core node `n`. */
function metricsServer(o: { firstScrapeAtMs: number; scrapeMs: number; answer: (scrapeAtMs: number) => { cpu: string; memory: string } }): MetricsApiClient {
  return {
    resources: async () => ({ kind: 'APIResourceList', groupVersion: 'metrics.k8s.io/v1beta1', resources: [] }),
    get: async <T>(path: string): Promise<T> => {
      if (path === '/api/v1/nodes/n') return { status: { capacity: { cpu: '2' } } } as T;
      assert.is(path, '/apis/metrics.k8s.io/v1beta1/namespaces/ns/pods/p');
      const scrapes = Math.floor((Date.now() - o.firstScrapeAtMs) / o.scrapeMs);
      const atMs = o.firstScrapeAtMs + scrapes * o.scrapeMs;
      return { timestamp: new Date(atMs).toISOString(), window: `${o.scrapeMs / 1_000}s`, containers: [{ name: 'app', usage: o.answer(atMs) }] } as T;
    },
  } as unknown as MetricsApiClient;
}

test('an answer stamped 10 s before a 0.2 s window is not that window\'s CPU: the window has no figure, and says so', async () => {
  const collector = new MetricsApiCollector({ client: metricsServer({ firstScrapeAtMs: Date.now() - 10_000, scrapeMs: 60_000, answer: () => ({ cpu: '500m', memory: '100Mi' }) }), intervalMs: 50 });
  const window = await collector.begin([APP]);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const err = await window.end().then(() => null, (e: unknown) => e);
  assert.instance(err, RunError, 'before: 0.50 cores over the window, from an answer of 10 s before it');
  assert.match((err as Error).message, /metrics\.k8s\.io collector: metrics\.k8s\.io gave no CPU figure for ns\/p\/app averaged over time inside the \d+ ms window \(1 answer\(s\); their averaging windows: 60 s\)/);
});

test('only answers whose own averaging window lies inside the measured one count, weighted by it; memory from answers stamped inside', async () => {
  // Scrapes every 100 ms. The container used 0.9 cores and 900 MiB before the window, 0.2 cores
  // and 100 MiB in it: the answer standing at the window's start (stamped before it) and the next
  // one (stamped inside, but averaging 50 ms from before) carry the 0.9 cores.
  const beginAtMs = Date.now();
  const client = metricsServer({ firstScrapeAtMs: beginAtMs - 50, scrapeMs: 100, answer: (atMs) => ({ cpu: atMs - 100 < beginAtMs ? '900m' : '200m', memory: atMs < beginAtMs ? '900Mi' : '100Mi' }) });
  const window = await new MetricsApiCollector({ client, intervalMs: 20 }).begin([APP]);
  await new Promise((resolve) => setTimeout(resolve, 700));
  const [usage] = await window.end();
  assert.ok(usage);
  assert.is(usage.cpuCores, 0.2);
  assert.is(usage.cpuCoresMax, 0.2);
  assert.is(usage.memoryBytesAvg, 100 * 1024 * 1024);
  assert.is(usage.memoryBytesMax, 100 * 1024 * 1024);
  // Whole scrapes inside the ~700 ms window: 4 to 6 of 100 ms each, on a busy machine.
  assert.ok(usage.windowMs >= 400 && usage.windowMs <= 700 && usage.windowMs % 100 === 0, `window ${usage.windowMs} ms`);
});

test('an answer above the node\'s cores fails the window instead of entering the figures', async () => {
  const beginAtMs = Date.now();
  const client = metricsServer({ firstScrapeAtMs: beginAtMs, scrapeMs: 100, answer: () => ({ cpu: '3500m', memory: '100Mi' }) });
  const window = await new MetricsApiCollector({ client, intervalMs: 20 }).begin([APP]);
  await new Promise((resolve) => setTimeout(resolve, 400));
  const err = await window.end().then(() => null, (e: unknown) => e);
  assert.instance(err, RunError);
  assert.match((err as Error).message, /^metrics\.k8s\.io collector: p\/app \(app\): cpuCores is 3\.500 cores, above the machine's 2/);
});

test('metrics-server\'s window is a Go duration', () => {
  assert.is(parseGoDurationMs('15s'), 15_000);
  assert.is(parseGoDurationMs('20.5s'), 20_500);
  assert.is(parseGoDurationMs('1m0s'), 60_000);
  assert.is(parseGoDurationMs('500ms'), 500);
  assert.throws(() => parseGoDurationMs('15 seconds'), /not a duration/);
});

test.run();
