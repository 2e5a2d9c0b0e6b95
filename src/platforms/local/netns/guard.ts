/**
 * A guard for one trial's namespaces, for the exit path no code of ours sees: meshbench killed
 * outright (SIGKILL, an OOM kill). Children started with a parent-death signal die with it, but
 * HAProxy drops to uid 1337 in this layout, and a change of uid clears that signal (prctl(2)
 * PR_SET_PDEATHSIG), so its sidecars would live on. The guard is a shell without that signal,
 * blocked reading a pipe whose other end only meshbench holds: when meshbench ends, however it
 * ends, the read returns, and the guard kills what is left in the namespaces (by pid, from
 * `ip netns pids`) and deletes them. Teardown removes the namespaces itself, then ends the guard.
 */
import { spawn } from 'node:child_process';

const SCRIPT = 'read _; for ns; do for p in $(ip netns pids "$ns"); do kill -9 "$p"; done; ip netns del "$ns"; done 2>/dev/null';

export interface NetnsGuard {
  /** Ends the guard (its namespaces are already gone); resolves once it has exited. */
  stop(): Promise<void>;
}

export function guardNetns(netns: readonly string[]): NetnsGuard {
  const child = spawn('sh', ['-c', SCRIPT, 'meshbench-netns-guard', ...netns], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  // It must not keep meshbench alive: only its death should wake it.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    async stop() {
      // Waited for now: an unref'd child would let the event loop end under this await.
      child.ref();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
