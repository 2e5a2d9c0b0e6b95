/**
 * Everything istio-ambient needs on this machine, checked before any trial starts (DESIGN.md: a
 * preflight error is exit 2, nothing ran): network namespaces and iptables (the probe), the
 * ztunnel 1.30.3 binary, and Python >= 3.9 for the ZDS agent (socket.send_fds).
 */
import { UsageError } from '../../../errors.ts';
import { runCommand } from '../netns/exec.ts';
import { requireNetnsSupport } from '../netns/probe.ts';
import { findZtunnel, ZTUNNEL_VERSION } from './binary.ts';

export interface AmbientPrerequisites {
  ztunnelPath: string;
  /** For the result's environment: `ztunnel: 1.30.3`. */
  components: Record<string, string>;
}

export async function ambientPreflight(env: NodeJS.ProcessEnv = process.env): Promise<AmbientPrerequisites> {
  await requireNetnsSupport('istio-ambient');
  const ztunnelPath = await findZtunnel(env);
  const python = await runCommand('python3', ['-c', 'import socket, sys; socket.send_fds; print("%d.%d" % sys.version_info[:2])']);
  if (python.code !== 0) {
    throw new UsageError({
      what: `istio-ambient enrols pods with a Python helper, and python3 ${python.code === 127 ? 'is not installed' : `cannot pass file descriptors (needs 3.9 or later): ${python.stderr.trim().split('\n').pop()}`}`,
      where: 'local platform (istio-ambient)',
      fix: 'install it: `apt-get install -y python3`',
    });
  }
  return { ztunnelPath, components: { ztunnel: ZTUNNEL_VERSION, python: python.stdout.trim() } };
}
