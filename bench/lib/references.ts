/**
 * The reference load tools, run as processes in the same benchmark: wrk (closed loop), wrk2
 * (constant rate, coordinated-omission corrected) and Fortio (constant rate, from the actual send).
 * Each runs under /usr/bin/time so its own CPU is measured beside ours.
 */
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ReferenceFigures {
  rps: number;
  /** Percentile (50, 90, 99, 99.9) to latency in µs. */
  percentilesUs: Record<number, number>;
  /** The tool's own CPU over its whole run, in cores. */
  cpuCores: number;
  /** The tool's maximum resident set over its run (GNU time's %M). */
  maxRssBytes: number;
}

/** Where bench:load looks for wrk2 and Fortio (built by the commands in bench/README.md). */
export const REFERENCE_TOOLS_BIN = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'meshbench', 'reference-tools', 'bin');

export function fortioBinary(): string {
  return process.env.FORTIO ?? join(REFERENCE_TOOLS_BIN, 'fortio');
}

export function wrk2Binary(): string {
  return process.env.WRK2 ?? join(REFERENCE_TOOLS_BIN, 'wrk2');
}

/** The missing tools; `fortioOnly`: only what section 8 (protocols) runs, Fortio and /usr/bin/time. */
export async function checkTools(fortioOnly = false): Promise<string[]> {
  const missing: string[] = [];
  const all = [['wrk', ['--version']], [wrk2Binary(), ['--version']], [fortioBinary(), ['version']], ['haproxy', ['-v']], ['/usr/bin/time', ['true']]] as const;
  for (const [tool, args] of all.filter(([tool]) => !fortioOnly || tool === fortioBinary() || tool === '/usr/bin/time')) {
    await run(tool, [...args]).catch((e: NodeJS.ErrnoException) => {
      // wrk --version exits 1 after printing its version.
      if (e.code === 'ENOENT') missing.push(tool);
    });
  }
  return missing;
}

/** Runs a tool under /usr/bin/time; returns its stdout, its CPU in cores over its wall time and its maxRSS. */
export async function timed(tool: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ stdout: string; cpuCores: number; maxRssBytes: number }> {
  const { stdout, stderr } = await run('/usr/bin/time', ['-f', 'MESHBENCH-TIME %U %S %e %M', tool, ...args], { maxBuffer: 1 << 24, ...(env && { env }) });
  const [, user, system, wall, rssKiB] = /MESHBENCH-TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(stderr) ?? [];
  return { stdout, cpuCores: (Number(user) + Number(system)) / Number(wall), maxRssBytes: Number(rssKiB) * 1024 };
}

function toUs(value: string, unit: string): number {
  const n = Number(value);
  return unit === 'us' ? n : unit === 'ms' ? n * 1_000 : unit === 's' ? n * 1_000_000 : NaN;
}

/** `wrk -t1 -cN -dS --latency`: closed loop, the C reference for throughput. */
export async function wrk(url: URL, connections: number, seconds: number): Promise<ReferenceFigures> {
  const { stdout, cpuCores, maxRssBytes } = await timed('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url.href]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const percentilesUs: Record<number, number> = {};
  for (const [, p, value, unit] of stdout.matchAll(/^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)$/gm)) percentilesUs[Number(p)] = toUs(value!, unit!);
  return { rps, percentilesUs, cpuCores, maxRssBytes };
}

/**
 * wrk2 at a constant rate, `--latency`: latency from each request's intended time. wrk2 resets
 * its histograms after a calibration of 10 s (+5 ms per connection), so it runs that much longer
 * than `seconds` and its figures cover the last `seconds`.
 */
export async function wrk2(url: URL, rate: number, connections: number, seconds: number): Promise<ReferenceFigures> {
  const { stdout, cpuCores, maxRssBytes } = await timed(wrk2Binary(), ['-t1', `-c${connections}`, `-d${seconds + WRK2_CALIBRATION_S}s`, `-R${rate}`, '--latency', url.href]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const percentilesUs: Record<number, number> = {};
  // " 99.900%   76.48ms": the spectrum's summary lines.
  for (const [, p, value, unit] of stdout.matchAll(/^\s*(\d+\.\d+)%\s+([\d.]+)(us|ms|s)$/gm)) percentilesUs[Number(p)] = toUs(value!, unit!);
  return { rps, percentilesUs, cpuCores, maxRssBytes };
}

/** wrk2's calibration, rounded up: its stall-free lead-in. */
export const WRK2_CALIBRATION_S = 11;

interface FortioJson {
  ActualQPS: number;
  DurationHistogram: { Percentiles: { Percentile: number; Value: number }[] };
}

/** `fortio load -qps Q -c N -t S`: Istio's own load tool at a fixed rate (latency from the actual send). */
export async function fortio(url: URL, qps: number, connections: number, seconds: number): Promise<ReferenceFigures> {
  const out = join(tmpdir(), `meshbench-fortio-${process.pid}-${Date.now()}.json`);
  try {
    const { cpuCores, maxRssBytes } = await timed(fortioBinary(), ['load', '-qps', String(qps), '-c', String(connections), '-t', `${seconds}s`, '-p', '50,90,99,99.9', '-r', '0.00001', '-json', out, '-quiet', url.href]);
    const json = JSON.parse(await readFile(out, 'utf8')) as FortioJson;
    const percentilesUs: Record<number, number> = {};
    for (const p of json.DurationHistogram.Percentiles) percentilesUs[p.Percentile] = p.Value * 1_000_000;
    return { rps: json.ActualQPS, percentilesUs, cpuCores, maxRssBytes };
  } finally {
    await rm(out, { force: true });
  }
}
