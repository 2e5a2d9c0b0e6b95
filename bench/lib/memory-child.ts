/**
 * One open-loop run in a fresh process, for bench:load's memory section: argv target URL,
 * requests, rate. Prints one JSON line: peak RSS (sampled each second, and the kernel's maxRSS),
 * heap, and the run's counts.
 */
import { OpenLoopEngine } from '../../src/load/open-loop-engine.ts';

const [url, requests, rate] = process.argv.slice(2);
const rateRps = Number(rate);
let peakRssBytes = 0;
const sampler = setInterval(() => (peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss())), 1_000);
const outcome = await new OpenLoopEngine().run({ connections: 16, targetRps: rateRps, warmupMs: 1_000, durationMs: (Number(requests) / rateRps) * 1_000, timeoutMs: 5_000 }, new URL(url!), new AbortController().signal);
clearInterval(sampler);
const memory = process.memoryUsage();
console.log(
  JSON.stringify({
    requests: outcome.scheduledRequests,
    ok: outcome.ok.totalCount,
    achievedRps: outcome.achievedRps,
    lagP99Us: outcome.schedulerLag!.getValueAtPercentile(99),
    peakRssBytes: Math.max(peakRssBytes, memory.rss),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    endRssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    heapTotalBytes: memory.heapTotal,
    externalBytes: memory.external,
    engine: outcome.engine,
  }),
);
