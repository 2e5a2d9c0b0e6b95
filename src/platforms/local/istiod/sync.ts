/**
 * istiod's own word on its pushes: `/debug/syncz` (what `istioctl proxy-status` reads), one entry
 * per connected proxy with, per xDS type, the nonce istiod last sent and the last the proxy acked
 * (pilot/pkg/xds/debug.go, SyncStatus). A proxy is in sync when every type sent was acked with the
 * nonce sent; a NACK leaves the acked nonce behind and records `lastError`. Pure.
 */

export interface TypeSync {
  /** `type.googleapis.com/envoy.config.cluster.v3.Cluster`, or `cluster` in the older flat fields. */
  type: string;
  sent: string;
  acked: string;
  lastError?: string;
}

export interface ProxySync {
  /** `sidecar~198.18.2.2~workload.meshbench-t3~meshbench-t3.svc.cluster.local`, or `workload.meshbench-t3`. */
  proxy: string;
  types: TypeSync[];
}

interface RawSyncStatus {
  proxy?: string;
  resources?: Record<string, { sent?: string; acked?: string; lastError?: string }>;
  [field: string]: unknown;
}

/** Parses /debug/syncz: the per-type `resources` map, or the flat `<type>_sent`/`<type>_acked` fields when there is none. */
export function parseSyncz(text: string): ProxySync[] {
  const data = JSON.parse(text) as unknown;
  if (!Array.isArray(data)) throw new Error(`istiod's /debug/syncz is not a list: ${text.slice(0, 200)}`);
  return (data as RawSyncStatus[]).map((e) => {
    const types: TypeSync[] = e.resources
      ? Object.entries(e.resources).map(([type, r]) => ({ type, sent: r.sent ?? '', acked: r.acked ?? '', ...(r.lastError ? { lastError: r.lastError } : {}) }))
      : Object.keys(e)
          .filter((k) => k.endsWith('_sent'))
          .map((k) => k.slice(0, -'_sent'.length))
          .map((t) => ({ type: t, sent: String(e[`${t}_sent`] ?? ''), acked: String(e[`${t}_acked`] ?? '') }));
    return { proxy: e.proxy ?? '', types: types.filter((t) => t.sent !== '') };
  });
}

/** The entry of a proxy named POD.NAMESPACE (istiod lists the full id, `sidecar~IP~POD.NAMESPACE~DOMAIN`). */
export function syncOf(status: readonly ProxySync[], name: string): ProxySync | undefined {
  return status.find((s) => s.proxy === name || s.proxy.split('~')[2] === name);
}

/**
 * Why the named proxies are not all in sync, or null when every push to each was acked. A proxy
 * istiod does not list (never connected), or one sent nothing yet, is not in sync.
 */
export function notSynced(status: readonly ProxySync[], proxies: readonly string[]): string | null {
  const problems: string[] = [];
  for (const name of proxies) {
    const p = syncOf(status, name);
    if (!p) {
      problems.push(`${name} is not connected to istiod`);
      continue;
    }
    if (p.types.length === 0) problems.push(`${name} was sent no configuration yet`);
    const behind = p.types.filter((t) => t.acked !== t.sent);
    if (behind.length > 0) {
      problems.push(`${name} has not acked ${behind.map((t) => `${t.type} (sent ${t.sent}, acked ${t.acked || 'nothing'}${t.lastError ? `; rejected: ${t.lastError}` : ''})`).join(', ')}`);
    }
  }
  return problems.length ? problems.join('; ') : null;
}
