/**
 * How far a server's clock is from this process's, from its HTTP Date header. The header has whole
 * seconds, but the instant it turns to the next second is sharp: requests a few tens of ms apart
 * catch the turn between two answers, and the turn happened after the first was sent and before
 * the second came back. Through the API server's node proxy the Date is the kubelet's own (the
 * proxy passes the node's headers on), so a node's offset is the one its CPU samples are stamped with.
 */
import { RunError } from '../../errors.ts';
import type { KubeClient } from './client.ts';

export interface ClockOffset {
  /** Server clock minus this process's clock, ms (the middle of the possible range). */
  offsetMs: number;
  /** Half the width of that range, ms. */
  uncertaintyMs: number;
}

/** A window whose edges may be misplaced by more than this on some node's clock is not measured. */
export const MAX_CLOCK_OFFSET_MS = 250;

/** Reads `path` every ~intervalMs until the Date header turns a second (at most ~2.5 s). Null when the server sends no Date. */
export async function measureClockOffset(client: KubeClient, path: string, o: { intervalMs?: number; signal?: AbortSignal } = {}): Promise<ClockOffset | null> {
  let prev: { sentMs: number; dateMs: number } | null = null;
  let best: ClockOffset | null = null;
  const deadline = Date.now() + 2_500;
  while (Date.now() < deadline) {
    let dateMs = NaN;
    const sentMs = Date.now();
    await client.request<string>('GET', path, { text: true, signal: o.signal, onDate: (d) => (dateMs = d) });
    const receivedMs = Date.now();
    if (Number.isNaN(dateMs)) return null;
    if (prev && dateMs === prev.dateMs + 1_000) {
      // The server's clock read dateMs (the turn) after prev was sent and before this answer came.
      const low = dateMs - receivedMs;
      const high = dateMs - prev.sentMs;
      const found = { offsetMs: Math.round((low + high) / 2), uncertaintyMs: Math.ceil((high - low) / 2) };
      if (!best || found.uncertaintyMs < best.uncertaintyMs) best = found;
      if (best.uncertaintyMs <= 50) return best;
    }
    prev = { sentMs, dateMs };
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 20));
  }
  return best;
}

/** Each node's offset through the node proxy (its kubelet's /healthz), measured side by side. */
export async function nodeClockOffsets(client: KubeClient, nodes: readonly string[], signal?: AbortSignal): Promise<Map<string, ClockOffset | null>> {
  const out = await Promise.all(nodes.map((n) => measureClockOffset(client, `/api/v1/nodes/${encodeURIComponent(n)}/proxy/healthz`, { ...(signal ? { signal } : {}) }).catch(() => null)));
  return new Map(nodes.map((n, i) => [n, out[i]!]));
}

export const formatOffset = (c: ClockOffset | null): string => (c ? `${c.offsetMs >= 0 ? '+' : ''}${c.offsetMs} ms (±${c.uncertaintyMs})` : 'not measurable (no Date header)');

/**
 * The clocks of the nodes a run's trials use, each measured once. The kubelets stamp CPU samples
 * with their nodes' clocks and the window's edges are this process's: a node further off than
 * MAX_CLOCK_OFFSET_MS would shift the window the figures are taken over, so a trial on it fails.
 */
export class NodeClocks {
  private readonly client: KubeClient;
  private readonly offsets = new Map<string, ClockOffset | null>();

  constructor(client: KubeClient) {
    this.client = client;
  }

  async check(nodes: Iterable<string>, signal?: AbortSignal): Promise<void> {
    const wanted = [...new Set(nodes)].filter(Boolean);
    for (const [n, c] of await nodeClockOffsets(this.client, wanted.filter((n) => !this.offsets.has(n)), signal)) this.offsets.set(n, c);
    const off = wanted.map((n) => [n, this.offsets.get(n) ?? null] as const).filter(([, c]) => c && Math.abs(c.offsetMs) + c.uncertaintyMs > MAX_CLOCK_OFFSET_MS);
    if (off.length > 0) {
      throw new RunError({
        what: `the clock of ${off.map(([n, c]) => `node ${n} is ${formatOffset(c)} off`).join(', ')} from this machine's: the kubelet's samples could not be aligned with the measured window within ${MAX_CLOCK_OFFSET_MS} ms`,
        where: 'node clocks',
        fix: "synchronise the nodes' clocks (chrony or NTP; `chronyc tracking` on the node) and this machine's, then run again",
      });
    }
  }

  /** For the run's environment. */
  components(): Record<string, string> {
    return this.offsets.size ? { 'node clock offsets': [...this.offsets].map(([n, c]) => `${n} ${formatOffset(c)}`).join(', ') } : {};
  }
}
