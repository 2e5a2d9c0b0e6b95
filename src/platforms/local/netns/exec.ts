/**
 * Running commands for the netns layout. The harness stays in the root namespace (Node cannot
 * enter another one); anything that must live in a pod or node namespace is started through
 * `ip netns exec`, which execs the command in place, so the pid we get is the command's own.
 */
import { execFile, spawn } from 'node:child_process';
import { RunError } from '../../../errors.ts';

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs a command to completion; never throws for a non-zero exit (callers decide). */
export function runCommand(command: string, args: readonly string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024, env: options.env ?? process.env }, (error, stdout, stderr) => {
      // A number: the exit code; 'ENOENT': not installed (127, as a shell says); killed: timed out (124, as timeout(1) says).
      const code = !error ? 0 : typeof error.code === 'number' ? error.code : error.killed ? 124 : 127;
      resolve({ stdout: String(stdout), stderr: String(stderr) || (error && code >= 124 ? error.message : ''), code });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** `ip <args>`; a failure becomes a RunError naming the command and what it said. */
export async function ip(args: readonly string[], input?: string): Promise<string> {
  const r = await runCommand('ip', args, input === undefined ? {} : { input });
  if (r.code !== 0) {
    throw new RunError({
      what: `\`ip ${args.join(' ')}\` failed (${r.code}): ${r.stderr.trim() || '(no output)'}`,
      where: 'local platform (netns layout)',
      fix: r.code === 127 ? 'install iproute2: `apt-get install -y iproute2`' : 'run as root, or with CAP_NET_ADMIN and CAP_SYS_ADMIN',
    });
  }
  return r.stdout;
}

/** The argv that runs `command args` inside namespace `netns`: give it to spawn or startProcess. */
export function inNetns(netns: string, command: string, args: readonly string[]): { command: string; args: string[] } {
  return { command: 'ip', args: ['netns', 'exec', netns, command, ...args] };
}

/**
 * Runs a command inside a namespace, feeding `input` on stdin (iptables-restore reads its rules there).
 * Throws a RunError on a non-zero exit.
 */
export async function execInNetns(netns: string, command: string, args: readonly string[], input?: string): Promise<string> {
  const argv = inNetns(netns, command, args);
  const r = await runCommand(argv.command, argv.args, input === undefined ? {} : { input });
  if (r.code !== 0) {
    throw new RunError({
      what: `\`${command} ${args.join(' ')}\` in namespace ${netns} failed (${r.code}): ${r.stderr.trim() || '(no output)'}`,
      where: 'local platform (netns layout)',
      fix: command.startsWith('iptables') ? 'install iptables: `apt-get install -y iptables`' : 'see the message above',
    });
  }
  return r.stdout;
}

// A tiny HTTP GET run by this same Node inside the namespace: no curl needed on the machine.
const FETCH_SCRIPT = `
const r = await fetch(process.argv[1], { signal: AbortSignal.timeout(Number(process.argv[2])) }).catch((e) => { process.stderr.write(String(e)); process.exit(2); });
process.stdout.write(await r.text());
process.exitCode = r.status === 200 ? 0 : 1;`;

/** GETs `url` from inside `netns`: the body on 200, otherwise undefined. */
export async function fetchInNetns(netns: string, url: string, timeoutMs = 2_000): Promise<string | undefined> {
  const argv = inNetns(netns, process.execPath, ['--input-type=module', '-e', FETCH_SCRIPT, url, String(timeoutMs)]);
  // A bare environment: the probe needs none, and inherited NODE_OPTIONS or colour settings only add noise.
  const r = await runCommand(argv.command, argv.args, { timeoutMs: timeoutMs + 5_000, env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' } });
  return r.code === 0 ? r.stdout : undefined;
}

/** Starts a long-lived child inside a namespace with plain pipes (tests and small helpers). */
export function spawnInNetns(netns: string, command: string, args: readonly string[]) {
  const argv = inNetns(netns, command, args);
  return spawn(argv.command, argv.args, { stdio: ['pipe', 'pipe', 'pipe'] });
}

const PROBE_MAIN = new URL('../../../workload/probe-main.ts', import.meta.url).pathname;

/** One request of the workload's protocol from inside `netns` (workload/probe.ts): true when answered. */
/** `trust`: a TLS workload's CA file and certificate name; a certificate that fails them is a RunError at once. */
export async function probeInNetns(netns: string, url: string, messageBytes: number, timeoutMs = 2_000, trust?: { caFile: string; serverName: string }): Promise<boolean> {
  const argv = inNetns(netns, process.execPath, [PROBE_MAIN, url, String(messageBytes), String(timeoutMs), ...(trust ? [trust.caFile, trust.serverName] : [])]);
  const r = await runCommand(argv.command, argv.args, { timeoutMs: timeoutMs + 5_000, env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' } });
  if (r.code === 3) throw new RunError({ what: r.stderr.trim().split('\n').at(-1) ?? 'the workload\'s TLS certificate is not trusted', where: `namespace ${netns}, probe of ${url}`, fix: 'see the message: this is a set-up fault, not the mesh\'s' });
  return r.code === 0;
}
