/** The reference load tools, run as processes in the same benchmark: wrk and Fortio. */
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ReferenceFigures {
  rps: number;
  /** Percentile (50, 90, 99) to latency in µs. */
  percentilesUs: Record<number, number>;
}

export function fortioBinary(): string {
  return process.env.FORTIO ?? 'fortio';
}

export async function checkTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const [tool, args] of [['wrk', ['--version']], [fortioBinary(), ['version']], ['haproxy', ['-v']]] as const) {
    await run(tool, [...args]).catch((e: NodeJS.ErrnoException & { stdout?: string }) => {
      // wrk --version exits 1 after printing its version.
      if (e.code === 'ENOENT') missing.push(tool);
    });
  }
  return missing;
}

function toUs(value: string, unit: string): number {
  const n = Number(value);
  return unit === 'us' ? n : unit === 'ms' ? n * 1_000 : unit === 's' ? n * 1_000_000 : NaN;
}

/** `wrk -t1 -cN -dS --latency`: closed loop, the C reference for throughput. */
export async function wrk(url: URL, connections: number, seconds: number): Promise<ReferenceFigures> {
  const { stdout } = await run('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url.href]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const percentilesUs: Record<number, number> = {};
  for (const [, p, value, unit] of stdout.matchAll(/^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)$/gm)) percentilesUs[Number(p)] = toUs(value!, unit!);
  return { rps, percentilesUs };
}

interface FortioJson {
  ActualQPS: number;
  DurationHistogram: { Percentiles: { Percentile: number; Value: number }[] };
}

/** `fortio load -qps Q -c N -t S`: Istio's own load tool at a fixed rate (latency from the actual send). */
export async function fortio(url: URL, qps: number, connections: number, seconds: number): Promise<ReferenceFigures> {
  const out = join(tmpdir(), `meshbench-fortio-${process.pid}-${Date.now()}.json`);
  try {
    await run(fortioBinary(), ['load', '-qps', String(qps), '-c', String(connections), '-t', `${seconds}s`, '-p', '50,90,99', '-r', '0.00001', '-json', out, '-quiet', url.href], { maxBuffer: 1 << 24 });
    const json = JSON.parse(await readFile(out, 'utf8')) as FortioJson;
    const percentilesUs: Record<number, number> = {};
    for (const p of json.DurationHistogram.Percentiles) percentilesUs[p.Percentile] = p.Value * 1_000_000;
    return { rps: json.ActualQPS, percentilesUs };
  } finally {
    await rm(out, { force: true });
  }
}
