/**
 * bench:load section 9 (issue 31): raw TCP bandwidth on loopback, `load.mode: bandwidth` against
 * iperf3 (Debian's), with the same connections, warmup and window, in interleaved rounds
 * (BENCH_BANDWIDTH_ROUNDS, default 3). Both figures are the receiver's: meshbench's sink counted
 * what it read over its own interval (results/bandwidth.ts), iperf3's `end.sum_received` is its
 * server's count over the server's interval after `-O` (the omitted warmup). meshbench's pair is
 * its engine in this process and the workload's sink in its own; iperf3's is its client and a
 * one-off server. Target: meshbench within 10 % of iperf3. Then one row through a pair of Envoy
 * sidecars (`bench run`, loopback, tcp_proxy over mTLS) for the proxies' cores per Gbit/s.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BandwidthEngine, CHUNK_BYTES } from '../../src/load/bandwidth.ts';
import { threadCount } from '../../src/load/bandwidth-threads.ts';
import { freeLoopbackPort } from '../../src/platforms/local/ports.ts';
import { startWorkload } from '../../src/platforms/local/workload-process.ts';
import { sentBitsPerSecond, throughputBitsPerSecond } from '../../src/results/bandwidth.ts';
import type { RunResult } from '../../src/results/model.ts';
import { findCell, summarizeRun } from '../../src/results/summary.ts';
import { targetUrl } from '../../src/workload/protocol.ts';
import { heading, measure, pct, row, SECONDS, verdict } from './measure.ts';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_BANDWIDTH_ROUNDS ?? 3);
const CONNECTIONS = (process.env.BENCH_BANDWIDTH_CONNECTIONS ?? '1,4').split(',').map(Number);
const WARMUP_S = 1;
const gbps = (bps: number) => `${(bps / 1e9).toFixed(2)} Gbit/s`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A process's CPU seconds so far, from /proc (utime + stime at 100 ticks a second). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Figures {
  receivedBps: number;
  sentBps: number;
  /** Sender's and receiver's CPU over the whole run (warmup included), cores. */
  senderCores: number;
  receiverCores: number;
}

async function meshbenchRound(url: URL, sinkPid: number, connections: number): Promise<Figures> {
  const sink0 = await cpuSeconds(sinkPid);
  const t0 = performance.now();
  const m = await measure(new BandwidthEngine(), { connections, targetRps: null, warmupMs: WARMUP_S * 1_000, durationMs: SECONDS * 1_000, timeoutMs: 5_000 }, url);
  const wallS = (performance.now() - t0) / 1_000;
  const b = m.outcome.bandwidth!;
  return { receivedBps: throughputBitsPerSecond(b)!, sentBps: sentBitsPerSecond(b)!, senderCores: m.cpuCores, receiverCores: ((await cpuSeconds(sinkPid)) - sink0) / wallS };
}

interface IperfJson {
  end: { sum_received: { bits_per_second: number }; sum_sent: { bits_per_second: number }; cpu_utilization_percent: { host_total: number; remote_total: number } };
}

/** One iperf3 test against a one-off server (`-1`), which is stopped whatever happens. */
async function iperfRound(connections: number): Promise<Figures> {
  const port = await freeLoopbackPort();
  const server = spawn('iperf3', ['-s', '-1', '-B', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  try {
    await waitForPortOf(port);
    const { stdout } = await run('iperf3', ['-c', '127.0.0.1', '-p', String(port), '-P', String(connections), '-t', String(SECONDS), '-O', String(WARMUP_S), '-l', String(CHUNK_BYTES), '--json'], { maxBuffer: 1 << 24 });
    const e = (JSON.parse(stdout) as IperfJson).end;
    return { receivedBps: e.sum_received.bits_per_second, sentBps: e.sum_sent.bits_per_second, senderCores: e.cpu_utilization_percent.host_total / 100, receiverCores: e.cpu_utilization_percent.remote_total / 100 };
  } finally {
    if (server.exitCode === null) server.kill('SIGTERM');
  }
}

/** Until iperf3's server listens, read from /proc/net/tcp: a probe connection would be its one test (`-1`). */
async function waitForPortOf(port: number): Promise<void> {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const deadline = Date.now() + 5_000;
  for (;;) {
    const table = await readFile('/proc/net/tcp', 'utf8');
    if (table.split('\n').some((l) => l.trim().split(/\s+/)[1] === local && l.trim().split(/\s+/)[3] === '0A')) return;
    if (Date.now() > deadline) throw new Error(`iperf3 -s did not listen on 127.0.0.1:${port} within 5 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function bandwidth(): Promise<void> {
  try {
    await run('iperf3', ['--version']);
  } catch {
    console.log('\n9. skipped: iperf3 is not installed (apt-get install -y iperf3)');
    return;
  }
  const { stdout: version } = await run('iperf3', ['--version']);
  heading(`9. tcp bandwidth on loopback, ${WARMUP_S} s warmup + ${SECONDS} s windows, ${ROUNDS} interleaved rounds: meshbench (mode bandwidth) vs ${version.split('\n')[0]} (target: within 10 %)`);
  const w = await startWorkload({ protocol: 'tcp', payloadBytes: 1024, serviceDelayUs: 0, errorRate: 0 }, `bench-${process.pid}`, 10_000, new AbortController().signal);
  try {
    const url = targetUrl('tcp', '127.0.0.1', w.port);
    for (const connections of CONNECTIONS) {
      const ours: Figures[] = [];
      const theirs: Figures[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        ours.push(await meshbenchRound(url, w.process.pid, connections));
        theirs.push(await iperfRound(connections));
        const [o, t] = [ours.at(-1)!, theirs.at(-1)!];
        row(`  c=${connections} round ${round}`, `meshbench ${gbps(o.receivedBps)} received (${gbps(o.sentBps)} sent; loader ${o.senderCores.toFixed(2)} on ${threadCount(connections)} writer thread(s), sink ${o.receiverCores.toFixed(2)} cores)`, `iperf3 ${gbps(t.receivedBps)} received (${gbps(t.sentBps)} sent; client ${t.senderCores.toFixed(2)}, server ${t.receiverCores.toFixed(2)} cores)`);
      }
      const o = median(ours.map((f) => f.receivedBps));
      const t = median(theirs.map((f) => f.receivedBps));
      row(`c=${connections} median`, `meshbench ${gbps(o)}`, `iperf3 ${gbps(t)}`, `${pct(o / t)}  ${verdict(Math.abs(o / t - 1) <= 0.1)}`);
    }
  } finally {
    await w.process.stop();
  }
  // The rounds' own processes raise it; what else ran shows as the excess over ~1.5-2.
  console.log(`  (load average at the end of the rounds: ${loadavg().map((n) => n.toFixed(2)).join(' / ')} over 1 / 5 / 15 min)`);
  await sidecarRow();
}

/** `bench run` of none and istio (Envoy tcp_proxy sidecars, mTLS) on loopback: the proxies' cores per Gbit/s. */
async function sidecarRow(): Promise<void> {
  const connections = CONNECTIONS.at(-1)!;
  const dir = await mkdtemp(join(tmpdir(), 'meshbench-bench-bw-'));
  try {
    const yaml = `name: bench-bandwidth\nmeshes: [none, istio]\nlocal:\n  layout: loopback\n  sidecar: envoy\nworkload:\n  protocol: tcp\nload:\n  mode: bandwidth\n  connections: ${connections}\n  warmup: ${WARMUP_S}s\n  duration: ${SECONDS}s\nrepetitions: ${ROUNDS}\n`;
    await writeFile(join(dir, 'scenario.yaml'), yaml);
    const bench = join(import.meta.dirname, '..', '..', 'bin', 'bench.js');
    await run(process.execPath, [bench, 'run', 'scenario.yaml', '--output', 'out'], { cwd: dir, maxBuffer: 1 << 24 }).catch((e: { code?: number; stderr?: string }) => {
      // Exit 1 or 3 still leaves a result to read; 2 does not.
      if (e.code === 2) throw new Error(`bench run refused the scenario: ${e.stderr}`);
    });
    const [folder] = await readdir(join(dir, 'out'));
    const result = JSON.parse(await readFile(join(dir, 'out', folder!, 'result.json'), 'utf8')) as RunResult;
    const summary = summarizeRun(result);
    const level = result.levels[0]!.id;
    const none = findCell(summary, 'none', level)!;
    const istio = findCell(summary, 'istio', level)!;
    const f = (c: typeof none, m: 'throughput_bps' | 'sidecar_cpu_per_gbps' | 'sidecar_cpu') => c.figures[m]?.median ?? NaN;
    row(
      `c=${connections} Envoy sidecar pair (bench run, loopback, ${istio.trials.valid}/${ROUNDS} valid)`,
      `none ${gbps(f(none, 'throughput_bps'))}, istio ${gbps(f(istio, 'throughput_bps'))} (${istio.added?.bandwidthChange ? pct(1 + istio.added.bandwidthChange.estimate) : '–'})`,
      `sidecars ${f(istio, 'sidecar_cpu').toFixed(2)} cores, ${f(istio, 'sidecar_cpu_per_gbps').toFixed(3)} cores per Gbit/s (both sidecars)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
