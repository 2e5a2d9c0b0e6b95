/**
 * How far a server's clock is from this process's, from its HTTP Date header. The header has whole
 * seconds, but the instant it turns to the next second is sharp: requests a few tens of ms apart
 * catch the turn between two answers, and the turn happened after the first was sent and before
 * the second came back. Through the API server's node proxy the Date is the kubelet's own (the
 * proxy passes the node's headers on), so a node's offset is the one its CPU samples are stamped with.
 */
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
