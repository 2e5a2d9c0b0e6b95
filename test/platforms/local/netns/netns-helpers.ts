/** Helpers for tests of the netns layout: what exists now, and tiny servers and clients in a namespace. */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { spawnInNetns } from '../../../../src/platforms/local/netns/exec.ts';

/** Namespaces, root-namespace links and root iptables lines that mention `marker`. */
/** Children of tests: uvu sets FORCE_COLOR, which makes every child Node warn about NO_COLOR. */
const quietEnv = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' };

export function leftovers(marker: string): string[] {
  const sh = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' });
    } catch {
      return '';
    }
  };
  return [
    ...sh('ip', ['netns', 'list']).split('\n').filter((l) => l.includes(marker)).map((l) => `netns ${l}`),
    ...sh('ip', ['-o', 'link']).split('\n').filter((l) => l.includes(marker)).map((l) => `link ${l}`),
    ...sh('iptables-save', []).split('\n').filter((l) => l.includes(marker)).map((l) => `iptables ${l}`),
  ];
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = /^State:\s+(\w)/m.exec(execFileSync('cat', [`/proc/${pid}/status`], { encoding: 'utf8' }))?.[1];
    return state !== 'Z';
  } catch {
    return false;
  }
}

/** A TCP server in `netns` that answers every connection with `<reply> <local port>` and closes. */
export async function startReplyServer(netns: string, host: string, port: number, reply: string): Promise<ChildProcess> {
  const script = `
    const net = await import('node:net');
    const s = net.createServer((c) => c.end(process.argv[1] + ' ' + c.localPort + '\\n'));
    s.listen(Number(process.argv[3]), process.argv[2], () => console.log('LISTENING'));
    process.stdin.on('end', () => process.exit(0)); process.stdin.resume();`;
  const child = spawnInNetns(netns, process.execPath, ['--input-type=module', '-e', script, reply, host, String(port)]);
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => l === 'LISTENING' && resolve());
    child.once('exit', (code) => reject(new Error(`reply server in ${netns} exited (${code})`)));
  });
  return child;
}

/** Connects from `netns` (optionally as another uid) and returns what the peer wrote, or the error code. */
export function dialFrom(netns: string, host: string, port: number, options: { uid?: number; send?: string } = {}): string {
  const script = `
    const net = await import('node:net');
    const c = net.connect(Number(process.argv[2]), process.argv[1]);
    let out = '';
    c.setTimeout(3000, () => { out += 'TIMEOUT'; c.destroy(); });
    c.on('connect', () => { if (process.argv[3]) c.write(process.argv[3]); });
    c.on('data', (d) => (out += d));
    c.on('error', (e) => (out += e.code));
    c.on('close', () => process.stdout.write(out.trim() || 'CLOSED'));`;
  const asUser = options.uid === undefined ? [] : ['setpriv', `--reuid=${options.uid}`, `--regid=${options.uid}`, '--clear-groups'];
  return execFileSync('ip', ['netns', 'exec', netns, ...asUser, process.execPath, '--input-type=module', '-e', script, host, String(port), options.send ?? ''], { encoding: 'utf8', env: quietEnv });
}
