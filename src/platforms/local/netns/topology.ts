/**
 * Builds a planned topology with `ip`, and removes it. Teardown works by name: it ends every
 * process still inside the namespaces (by pid, from `ip netns pids`), then deletes them, which
 * deletes their veths, routes, iptables rules and `ip rule`s with them. It is idempotent and runs
 * on every exit path: after a failed build, on abort, from `close()`, and, synchronously, when
 * this process exits with the topology still up. `sweep(runId)` removes a crashed run's leftovers.
 */
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { ip, runCommand } from './exec.ts';
import { netnsNames, planTopology, runNetnsIn, setupCommands, type TopologyPlan } from './plan.ts';

export interface TopologyOptions {
  /** Names carry it; `sweep(runId)` finds them. */
  runId: string;
  /** Separates topologies of one run (e.g. one per trial: `t3`). */
  scope?: string;
  signal?: AbortSignal;
}

const live = new Set<NetnsTopology>();
let exitHookInstalled = false;

/** Last resort: the event loop is gone, so this is synchronous; it kills by pid and deletes by name. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const t of live) {
      for (const ns of netnsNames(t.plan)) {
        const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '';
        for (const pid of pids.split('\n').filter(Boolean)) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            // already gone
          }
        }
        spawnSync('ip', ['netns', 'del', ns]);
      }
    }
  });
}

const STOP_GRACE_MS = 2_000;
const POLL_MS = 50;

/** Pids of processes whose network namespace is `netns`. */
export async function pidsInNetns(netns: string): Promise<number[]> {
  const r = await runCommand('ip', ['netns', 'pids', netns]);
  return r.code === 0 ? r.stdout.split('\n').filter(Boolean).map(Number) : [];
}

function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM every process left in the namespace, SIGKILL what is still there after a grace, then delete it. */
export async function removeNetns(netns: string): Promise<void> {
  let pids = await pidsInNetns(netns);
  for (const pid of pids) signal(pid, 'SIGTERM');
  for (let waitedMs = 0; pids.length > 0 && waitedMs < STOP_GRACE_MS; waitedMs += POLL_MS) {
    await sleep(POLL_MS);
    pids = await pidsInNetns(netns);
  }
  for (const pid of pids) signal(pid, 'SIGKILL');
  const r = await runCommand('ip', ['netns', 'del', netns]);
  // "No such file or directory": already deleted, which is what we want.
  if (r.code !== 0 && !/No such file/.test(r.stderr)) throw new Error(`ip netns del ${netns}: ${r.stderr.trim()}`);
}

export class NetnsTopology {
  readonly plan: TopologyPlan;
  private removed: Promise<void> | undefined;

  private constructor(plan: TopologyPlan) {
    this.plan = plan;
  }

  /** Builds it (about 30 `ip` calls, ~100 ms); on failure or abort removes what was built, then throws. */
  static async create(o: TopologyOptions): Promise<NetnsTopology> {
    const t = new NetnsTopology(planTopology(o.runId, o.scope));
    installExitHook();
    live.add(t);
    try {
      for (const args of setupCommands(t.plan)) {
        o.signal?.throwIfAborted();
        await ip(args);
      }
      return t;
    } catch (error) {
      await t.teardown();
      throw error;
    }
  }

  /** Every namespace of this topology, pods first. */
  get netns(): string[] {
    return netnsNames(this.plan);
  }

  /** Idempotent; concurrent calls share one removal. */
  teardown(): Promise<void> {
    this.removed ??= (async () => {
      for (const ns of this.netns) await removeNetns(ns);
      live.delete(this);
    })();
    return this.removed;
  }

  /** Removes every namespace (and so every link, rule and process in it) left by run `runId`. */
  static async sweep(runId: string): Promise<string[]> {
    const names = runNetnsIn(await ip(['netns', 'list']), runId);
    for (const ns of names) await removeNetns(ns);
    return names;
  }
}
