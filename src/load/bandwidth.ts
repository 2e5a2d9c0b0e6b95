/**
 * `load.mode: bandwidth`, as iperf3 runs it: N TCP connections to the workload's sink, each writing
 * 512 KiB chunks as fast as the kernel takes them, for the warmup and the
 * measured window. The loader counts what its writes handed to the kernel; the sink counts what it
 * read, and is asked at the window's edges (bandwidth-sink.ts), so the figure can be goodput at the
 * receiver over the receiver's own interval, which is what iperf3's "receiver" line reports.
 * After the window the loader stops, lets its pending writes finish and waits (up to a bound) for
 * the sink to have read all it wrote: the totals must then agree, byte for byte.
 */
import { randomUUID } from 'node:crypto';
import { createLatencyHistogram } from '../results/histogram.ts';
import type { BandwidthCounts } from '../results/model.ts';
import { hostOf, readSink, SinkReader, sinkHello, type SinkReading } from './bandwidth-sink.ts';
import { WriterThreads } from './bandwidth-threads.ts';
import { emptyErrorCounts, type LoadEngine, type LoadOutcome, type LoadPhase, type LoadSpec } from './types.ts';

/**
 * The length of each write. iperf3's default is 128 KiB; with it one Node thread ran out of CPU
 * first (16.5 Gbit/s against iperf3's 18.6 at 4 connections, loader at 0.99 cores), so the loader,
 * not the mesh, could be the limit. At 512 KiB the same thread wrote 24 Gbit/s (bench/README.md,
 * section 9, where iperf3 gets the same length with -l).
 */
export const CHUNK_BYTES = 512 * 1024;
/** How long the sink may take after the end to have read what was in flight. */
const SETTLE_MS = 3_000;
const SETTLE_POLL_MS = 20;

export class BandwidthEngine implements LoadEngine {
  readonly name = 'meshbench bandwidth (tcp)';
  readonly mode = 'bandwidth';

  async run(spec: LoadSpec, target: URL, signal: AbortSignal, tell?: (phase: LoadPhase) => void): Promise<LoadOutcome> {
    signal.throwIfAborted();
    if (target.protocol !== 'tcp:') throw new RangeError(`mode bandwidth streams raw TCP to the workload's sink: the target must be tcp://, not ${target.protocol}//`);
    const token = randomUUID();
    const errorsByClass = emptyErrorCounts();
    const writers = new WriterThreads({ host: hostOf(target), port: Number(target.port), hello: sinkHello(token), connections: spec.connections, chunkBytes: CHUNK_BYTES }, errorsByClass);
    const sentBytes = () => writers.sentBytes();
    const reader = new SinkReader(target, token);
    const onAbort = () => void writers.close();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      tell?.('warmup');
      await writers.whenConnected();
      await sleep(spec.warmupMs, signal);
      tell?.('measure');
      const start = await edge(sentBytes, reader, spec.timeoutMs);
      await sleep(Math.max(0, spec.durationMs - (performance.now() - start.loaderMs)), signal);
      const end = await edge(sentBytes, reader, spec.timeoutMs);
      tell?.('drain');
      writers.stopWriting();
      const totals = await settle(writers, target, token, spec.timeoutMs);
      const counts: BandwidthCounts = {
        connections: spec.connections,
        sentBytes: end.sent - start.sent,
        sentWindowUs: Math.round((end.loaderMs - start.loaderMs) * 1_000),
        receivedBytes: start.sink && end.sink ? end.sink.bytes - start.sink.bytes : null,
        receivedWindowUs: start.sink && end.sink ? end.sink.atUs - start.sink.atUs : null,
        totalSentBytes: totals.sent,
        totalReceivedBytes: totals.received,
      };
      if (writers.failure && Object.values(errorsByClass).every((n) => n === 0)) errorsByClass.reset++;
      return outcome(this.name, counts, errorsByClass);
    } catch (error) {
      signal.throwIfAborted();
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
      reader.close();
      await writers.close();
    }
  }
}

interface Edge {
  sent: number;
  loaderMs: number;
  /** Null when the sink did not answer (its reason is lost; the trial says the sink could not be read). */
  sink: SinkReading | null;
}

/** Both counts at one edge of the window: the loader's at once, the sink's as soon as it answers. */
async function edge(sent: () => number, reader: SinkReader, timeoutMs: number): Promise<Edge> {
  const at = { sent: sent(), loaderMs: performance.now() };
  const sink = await reader.read(timeoutMs).catch(() => null);
  return { ...at, sink };
}

/** Waits for every write to finish, then for the sink to have read them all (or SETTLE_MS). */
async function settle(writers: WriterThreads, target: URL, token: string, timeoutMs: number): Promise<{ sent: number; received: number | null }> {
  const sent = () => writers.sentBytes();
  const deadline = performance.now() + SETTLE_MS;
  while (writers.pendingWrites() > 0 && performance.now() < deadline) await sleep(SETTLE_POLL_MS);
  let received: number | null = null;
  do {
    received = (await readSink(target, token, timeoutMs).catch(() => null))?.bytes ?? null;
    if (received === null || received >= sent()) break;
    await sleep(SETTLE_POLL_MS);
  } while (performance.now() < deadline);
  return { sent: sent(), received };
}

function outcome(engine: string, counts: BandwidthCounts, errorsByClass: LoadOutcome['errorsByClass']): LoadOutcome {
  return {
    engine,
    // No requests: the latency histograms stay empty (reports say "not measured in bandwidth mode").
    ok: createLatencyHistogram(),
    non2xx: createLatencyHistogram(),
    error: createLatencyHistogram(),
    uncorrected: null,
    schedulerLag: null,
    errorsByClass,
    durationMs: counts.sentWindowUs / 1_000,
    targetRps: null,
    achievedRps: 0,
    sentRps: 0,
    scheduledRequests: 0,
    loaderSaturated: false,
    bandwidth: counts,
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
