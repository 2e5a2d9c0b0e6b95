/**
 * istiod's own word on its pushes: `/debug/syncz` (what `istioctl proxy-status` shows), one entry
 * per connected proxy with, per xDS type, the nonce it last sent and the last the proxy acked.
 * A proxy is in sync when, for every type sent, the acked nonce equals the sent one; a NACK or a
 * push still in flight leaves them apart. Pure apart from the fetch in sidecars.ts.
 */

export interface ProxySync {
  /** `workload.meshbench-t3` (POD_NAME.POD_NAMESPACE). */
  proxy: string;
  /** xDS types sent (short names: cds, lds, eds, rds, ...) and whether each was acked. */
  types: { type: string; sent: string; acked: string }[];
}

/** The short name of an xDS type URL or field prefix: `type.googleapis.com/envoy.config.cluster.v3.Cluster` → cluster. */
const shortType = (t: string): string => t.replace(/^.*\.(\w+)$/, '$1').toLowerCase();

/**
 * Parses /debug/syncz in either shape istiod has served: the flat one (`cluster_sent`,
 * `cluster_acked`, `listener_sent`, ...) and the xDS one (a DiscoveryResponse whose resources are
 * ClientConfigs with `genericXdsConfigs: [{typeUrl, configStatus}]`). Throws on anything else.
 */
export function parseSyncz(text: string): ProxySync[] {
  const data = JSON.parse(text) as unknown;
  if (Array.isArray(data)) {
    return data.map((e: Record<string, unknown>) => {
      const types = Object.keys(e)
        .filter((k) => k.endsWith('_sent'))
        .map((k) => k.slice(0, -'_sent'.length))
        .filter((t) => String(e[`${t}_sent`] ?? '') !== '')
        .map((t) => ({ type: t, sent: String(e[`${t}_sent`]), acked: String(e[`${t}_acked`] ?? '') }));
      return { proxy: String(e.proxy ?? ''), types };
    });
  }
  const resources = (data as { resources?: unknown[] }).resources;
  if (Array.isArray(resources)) {
    return resources.map((r) => {
      const c = r as { node?: { id?: string }; genericXdsConfigs?: { typeUrl?: string; configStatus?: string }[] };
      return {
        proxy: c.node?.id ?? '',
        // Here istiod reports each type's status rather than nonces: SYNCED is acked, anything else is not.
        types: (c.genericXdsConfigs ?? []).map((g) => ({ type: shortType(g.typeUrl ?? ''), sent: 'SYNCED', acked: g.configStatus ?? 'UNKNOWN' })),
      };
    });
  }
  throw new Error(`istiod's /debug/syncz answered neither a list nor a discovery response: ${text.slice(0, 200)}`);
}

/**
 * Why the named proxies are not all in sync, or null when every push to each was acked. A proxy
 * istiod does not list (never connected), or one with no type sent yet, is not in sync.
 */
export function notSynced(status: readonly ProxySync[], proxies: readonly string[]): string | null {
  const problems: string[] = [];
  for (const name of proxies) {
    const p = status.find((s) => s.proxy === name || s.proxy.includes(`~${name}~`));
    if (!p) {
      problems.push(`${name} is not connected to istiod`);
      continue;
    }
    if (p.types.length === 0) problems.push(`${name} was sent no configuration yet`);
    const behind = p.types.filter((t) => t.acked !== t.sent);
    if (behind.length > 0) problems.push(`${name} has not acked ${behind.map((t) => `${t.type} (sent ${t.sent}, acked ${t.acked || 'nothing'})`).join(', ')}`);
  }
  return problems.length ? problems.join('; ') : null;
}
