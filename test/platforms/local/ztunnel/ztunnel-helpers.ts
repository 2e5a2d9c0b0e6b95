/** Helpers for tests with the real ztunnel: find the binary, an HTTP app and a client in pod namespaces. */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { spawnInNetns } from '../../../../src/platforms/local/netns/exec.ts';
import { findZtunnel } from '../../../../src/platforms/local/ztunnel/binary.ts';

const script = fileURLToPath(new URL('../../../../scripts/ztunnel.sh', import.meta.url));

/** The cached ztunnel; builds it with scripts/ztunnel.sh when missing (minutes, once), else throws why. */
/** Children of tests: uvu sets FORCE_COLOR, which makes every child Node warn about NO_COLOR. */
const quietEnv = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' };

export async function ztunnelOrBuild(): Promise<string> {
  try {
    return await findZtunnel();
  } catch {
    try {
      execFileSync('bash', [script, 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
    } catch (e) {
      throw new Error(`these tests need ztunnel 1.30.3 and \`scripts/ztunnel.sh build\` failed (${String(e)}): see its output above`);
    }
    return findZtunnel();
  }
}

/** An HTTP app in `netns` on 0.0.0.0:port whose body is the caller's address as it saw it. */
export async function startEchoApp(netns: string, port: number): Promise<ChildProcess> {
  const source = `
    const http = await import('node:http');
    http.createServer((q, r) => r.end(q.socket.remoteAddress)).listen(Number(process.argv[1]), '0.0.0.0', () => console.log('LISTENING'));
    process.stdin.on('end', () => process.exit(0)); process.stdin.resume();`;
  const child = spawnInNetns(netns, process.execPath, ['--input-type=module', '-e', source, String(port)]);
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => l === 'LISTENING' && resolve());
    child.once('exit', (code) => reject(new Error(`echo app exited (${code})`)));
  });
  return child;
}

export interface ClientResult {
  statuses: number[];
  bodies: string[];
  errors: string[];
}

/** `count` sequential GETs from `netns`, each on a new TCP connection (so each is one ztunnel connection). */
export function requestsFrom(netns: string, url: string, count: number): ClientResult {
  const source = `
    const http = await import('node:http');
    const [url, count] = [process.argv[1], Number(process.argv[2])];
    const out = { statuses: [], bodies: [], errors: [] };
    for (let i = 0; i < count; i++) {
      await new Promise((done) => {
        const q = http.get(url, { agent: false, headers: { connection: 'close' }, timeout: 5000 }, (r) => {
          let body = ''; r.on('data', (d) => (body += d)); r.on('end', () => { out.statuses.push(r.statusCode); out.bodies.push(body); done(); });
        });
        q.on('timeout', () => q.destroy(new Error('timeout')));
        q.on('error', (e) => { out.errors.push(e.code ?? e.message); done(); });
      });
    }
    process.stdout.write(JSON.stringify(out));`;
  return JSON.parse(execFileSync('ip', ['netns', 'exec', netns, process.execPath, '--input-type=module', '-e', source, url, String(count)], { encoding: 'utf8', env: quietEnv })) as ClientResult;
}

/** Pids of live processes running `exe` whose environment mentions `marker` (e.g. a work dir). */
export function processesOf(exe: string, marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const state = /^State:\s+(\w)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (state !== 'Z' && readFileSync(`/proc/${entry}/environ`, 'utf8').includes(marker) && readFileSync(`/proc/${entry}/cmdline`, 'utf8').startsWith(exe)) pids.push(Number(entry));
    } catch {
      // ended while we looked
    }
  }
  return pids;
}
