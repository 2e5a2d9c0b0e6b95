/**
 * Can this process build the netns layout? Probed, not guessed from the uid: root in a container
 * without CAP_SYS_ADMIN cannot, and a non-root process given CAP_NET_ADMIN + CAP_SYS_ADMIN can.
 * The probe does what the layout does on a small scale: adds a namespace, creates a veth pair
 * inside it, runs a command inside it and lists its iptables rules, then deletes it.
 */
import { UsageError } from '../../../errors.ts';
import { runCommand } from './exec.ts';
import { NETNS_PREFIX } from './plan.ts';

export type NetnsSupport = { ok: true } | { ok: false; reason: string; fix: string };

const NEEDS = 'the netns layout (pods as network namespaces) needs root, or CAP_NET_ADMIN and CAP_SYS_ADMIN';

export async function probeNetnsSupport(): Promise<NetnsSupport> {
  const ns = `${NETNS_PREFIX}probe-${process.pid}`;
  const add = await runCommand('ip', ['netns', 'add', ns]);
  if (add.code === 127) return { ok: false, reason: '`ip` (iproute2) is not installed', fix: 'install it: `apt-get install -y iproute2`' };
  if (add.code !== 0) return { ok: false, reason: `cannot create a network namespace: ${add.stderr.trim()}`, fix: `${NEEDS}: run as root (sudo), or keep the loopback layout` };
  try {
    const link = await runCommand('ip', ['-n', ns, 'link', 'add', 'mbprobe0', 'type', 'veth', 'peer', 'name', 'mbprobe1']);
    if (link.code !== 0) return { ok: false, reason: `cannot create a veth pair: ${link.stderr.trim()}`, fix: `${NEEDS}; also the veth kernel module` };
    const rules = await runCommand('ip', ['netns', 'exec', ns, 'iptables-save']);
    if (rules.code === 127 || /No such file|not found/.test(rules.stderr)) return { ok: false, reason: 'iptables is not installed', fix: 'install it: `apt-get install -y iptables`' };
    if (rules.code !== 0) return { ok: false, reason: `cannot use iptables in a namespace: ${rules.stderr.trim()}`, fix: NEEDS };
    return { ok: true };
  } finally {
    await runCommand('ip', ['netns', 'del', ns]);
  }
}

/**
 * The probe as a preflight: a UsageError (exit 2, nothing ran, DESIGN.md) saying what is missing and
 * how to get it, e.g. `requireNetnsSupport('istio-ambient')` before a run that needs ztunnel.
 */
export async function requireNetnsSupport(forWhat: string): Promise<void> {
  const support = await probeNetnsSupport();
  if (!support.ok) throw new UsageError({ what: `${forWhat} cannot run here: ${support.reason}`, where: 'local platform (netns layout)', fix: support.fix });
}
