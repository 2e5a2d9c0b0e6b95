/**
 * The writers of `load.mode: bandwidth`: worker threads, each owning a group of the connections
 * (connection k belongs to thread k mod W) and writing to them as fast as the kernel takes the
 * writes. On loopback nearly all of a writer's CPU is the kernel's (write(2): the copy, TCP's send
 * path, and the receiver's side of TCP run in the sender's softirq), and one thread stayed at
 * ~23-24 Gbit/s whatever the connections (bench/README.md, section 9): a thread per group lets the
 * kernel's work spread over the cores.
 *
 * Each thread counts what its completed writes handed to the kernel into shared memory, so the
 * event loop reads the loader's total at the window's edges at once, with no message. A thread's
 * source is a string (as pacer.ts's), so the loader bundled into one file (bundle.ts) starts it too.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ErrorClass } from '../results/model.ts';
import { classifyError } from './types.ts';

/** Writes in flight per connection: one with the kernel, one queued behind it. */
const DEPTH = 2;
/** Consecutive writes that completed at once before the connection yields, so the thread's own events (a close) are seen. */
const BURST = 32;

/** What a thread is given; the buffers are shared with the event loop. */
interface ThreadInput {
  host: string;
  port: number;
  hello: string;
  connections: number;
  chunkBytes: number;
  depth: number;
  burst: number;
  /** Int32 [0]: 1 while the threads write, 0 once they must stop. */
  control: SharedArrayBuffer;
  /** BigInt64 [0]: bytes its completed writes handed to the kernel; Int32 [2]: writes pending. */
  counts: SharedArrayBuffer;
}

/** What a thread tells the event loop: all its connections are open, or one failed or closed. */
type ThreadMessage = { kind: 'connected' } | { kind: 'error'; code: string | undefined; message: string; writing: boolean } | { kind: 'closed' };

/**
 * The thread's body. It runs from its source text (`toString`), so it uses nothing from this
 * module: modules come from process.getBuiltinModule, which a bundler leaves as it is (it would
 * rewrite a require() into a helper of the bundle that the thread does not have).
 */
function writerThread(): void {
  const { workerData, parentPort } = process.getBuiltinModule('node:worker_threads');
  const net = process.getBuiltinModule('node:net');
  const input = workerData as ThreadInput;
  const control = new Int32Array(input.control);
  const sent = new BigInt64Array(input.counts, 0, 1);
  const pendingWord = new Int32Array(input.counts, 8, 1);
  const chunk = Buffer.alloc(input.chunkBytes, 'b');
  const post = (m: ThreadMessage) => parentPort!.postMessage(m);
  let total = 0;
  let pending = 0;
  let connected = 0;
  const writing = () => Atomics.load(control, 0) === 1;
  for (let k = 0; k < input.connections; k++) {
    const socket = net.connect({ host: input.host, port: input.port });
    let inFlight = 0;
    let burst = 0;
    let closed = false;
    const pump = () => {
      while (writing() && inFlight < input.depth && !socket.destroyed) {
        inFlight++;
        pending++;
        Atomics.store(pendingWord, 0, pending);
        // A write the kernel took at once completes on the next tick: a chain of those would hold
        // off this thread's other events, so every BURST of them the connection yields.
        socket.write(chunk, (error) => {
          if (!error) {
            total += input.chunkBytes;
            Atomics.store(sent, 0, BigInt(total));
          }
          // A write that ends after its socket closed left `pending` with the socket.
          if (closed) return;
          inFlight--;
          pending--;
          Atomics.store(pendingWord, 0, pending);
          if (error) return;
          if (++burst >= input.burst) {
            burst = 0;
            setImmediate(pump);
          } else pump();
        });
      }
    };
    socket.once('connect', () => {
      socket.write(input.hello);
      if (++connected === input.connections) post({ kind: 'connected' });
      pump();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => post({ kind: 'error', code: error.code, message: error.message, writing: writing() }));
    socket.on('close', () => {
      // A closed socket's writes are no longer pending, whenever their callbacks come.
      closed = true;
      pending -= inFlight;
      inFlight = 0;
      Atomics.store(pendingWord, 0, pending);
      if (writing()) post({ kind: 'closed' });
    });
  }
}

const THREAD_SOURCE = `(${writerThread.toString()})();`;
/** The writer threads' name, which the OS shows too (top -H, perf, /proc/PID/task/TID/comm). */
export const THREAD_NAME = 'bw-writer';

/** How many threads write `connections`: one per connection, at most one per core. */
export function threadCount(connections: number): number {
  return Math.max(1, Math.min(connections, availableParallelism()));
}

export interface WriterThreadsOptions {
  host: string;
  port: number;
  /** The first line of every connection (the sink's hello). */
  hello: string;
  connections: number;
  chunkBytes: number;
}

/** The running threads, seen from the event loop. */
export class WriterThreads {
  readonly threads: number;
  readonly errorsByClass: Record<ErrorClass, number>;
  /** The first failure while writing (a connection's error, or a close before the end). */
  failure: Error | null = null;
  private readonly control = new Int32Array(new SharedArrayBuffer(4));
  private readonly counts: { sent: BigInt64Array; pending: Int32Array }[] = [];
  private readonly workers: Worker[] = [];
  private readonly connected: Promise<void>;

  constructor(o: WriterThreadsOptions, errorsByClass: Record<ErrorClass, number>) {
    this.errorsByClass = errorsByClass;
    this.threads = threadCount(o.connections);
    Atomics.store(this.control, 0, 1);
    const ready: Promise<void>[] = [];
    for (let w = 0; w < this.threads; w++) {
      const counts = new SharedArrayBuffer(16);
      this.counts.push({ sent: new BigInt64Array(counts, 0, 1), pending: new Int32Array(counts, 8, 1) });
      // Connection k is thread k mod W's: W's share is the count of k < connections with that remainder.
      const connections = Math.floor(o.connections / this.threads) + (w < o.connections % this.threads ? 1 : 0);
      const input: ThreadInput = { host: o.host, port: o.port, hello: o.hello, connections, chunkBytes: o.chunkBytes, depth: DEPTH, burst: BURST, control: this.control.buffer as SharedArrayBuffer, counts };
      const worker = new Worker(THREAD_SOURCE, { eval: true, name: THREAD_NAME, workerData: input });
      this.workers.push(worker);
      ready.push(this.watch(worker));
    }
    this.connected = Promise.all(ready).then(() => undefined);
    this.connected.catch(() => undefined);
  }

  /** Resolves when every connection is open; rejects with the first that could not be opened. */
  whenConnected(): Promise<void> {
    return this.connected;
  }

  /** Bytes the completed writes of every thread handed to the kernel so far. */
  sentBytes(): number {
    return this.counts.reduce((sum, c) => sum + Number(Atomics.load(c.sent, 0)), 0);
  }

  /** Writes handed to sockets that have neither completed nor been dropped with their socket. */
  pendingWrites(): number {
    return this.counts.reduce((sum, c) => sum + Atomics.load(c.pending, 0), 0);
  }

  /** The threads write no more after the writes they have pending. */
  stopWriting(): void {
    Atomics.store(this.control, 0, 0);
  }

  /** Ends every thread, and with it its connections. */
  async close(): Promise<void> {
    this.stopWriting();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private watch(worker: Worker): Promise<void> {
    return new Promise((resolve, reject) => {
      // `writing`: whether the loader was writing when the failure came (a thread says so itself).
      const fail = (error: Error, writing = this.writing()) => {
        if (writing) this.failure ??= error;
        reject(error);
      };
      worker.on('message', (m: ThreadMessage) => {
        if (m.kind === 'connected') return resolve();
        if (m.kind === 'closed') return void (this.failure ??= new Error('a connection to the sink closed while the loader was writing'));
        const error = Object.assign(new Error(m.message), { code: m.code });
        if (m.writing) this.errorsByClass[classifyError(error)]++;
        fail(error, m.writing);
      });
      worker.once('error', (error) => fail(error));
      worker.once('exit', (code) => fail(new Error(`a bandwidth writer thread exited with code ${code}`)));
    });
  }

  private writing(): boolean {
    return Atomics.load(this.control, 0) === 1;
  }
}
