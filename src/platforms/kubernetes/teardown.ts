/**
 * Deletes what meshbench created, found by its labels only: namespaces (which take their contents
 * with them) and cluster-scoped objects such as App Mesh's `Mesh`. Nothing without
 * `app.kubernetes.io/managed-by: meshbench` is ever deleted, and each delete carries the listed
 * object's uid as a precondition, so an object re-created under the same name is left alone.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { collectionPath, isNotFound, KubeApiError, type ApiResource, type KubeClient } from './client.ts';
import { MANAGED_BY, RUN_ID_LABEL } from './apply.ts';

export interface OwnedObject {
  apiVersion: string;
  kind: string;
  name: string;
  /** The run it belongs to (its run-id label). */
  runId: string;
  uid: string;
  path: string;
}

export const ownerSelector = (runId?: string): string => `${MANAGED_BY}=meshbench${runId ? `,${RUN_ID_LABEL}=${runId.toLowerCase()}` : ''}`;

interface Listed {
  metadata: { name: string; uid: string; labels?: Record<string, string> };
}

const NAMESPACES: ApiResource = { group: '', version: 'v1', kind: 'Namespace', resource: 'namespaces', namespaced: false, verbs: ['list', 'delete'] };

/** Every cluster-scoped kind this identity may list and delete (for `bench cleanup`, which cannot know what an old run applied). */
export async function clusterScopedKinds(client: KubeClient, signal?: AbortSignal): Promise<ApiResource[]> {
  const groups = await client.get<{ groups: { preferredVersion: { groupVersion: string } }[] }>('/apis', signal);
  const versions = ['v1', ...groups.groups.map((g) => g.preferredVersion.groupVersion)];
  const out: ApiResource[] = [];
  for (const gv of versions) {
    const list = await client.resources(gv, signal).catch(() => null);
    for (const r of list?.resources ?? []) {
      if (r.namespaced || r.name.includes('/') || r.kind === 'Namespace' || !r.verbs.includes('list') || !r.verbs.includes('delete')) continue;
      const [group, version] = gv.includes('/') ? (gv.split('/') as [string, string]) : ['', gv];
      out.push({ group, version, kind: r.kind, resource: r.name, namespaced: false, verbs: r.verbs });
    }
  }
  return out;
}

/**
 * Labelled namespaces and cluster-scoped objects of one run, or of every run. Kinds this identity
 * may not list are named in `unreadable` (meshbench could not have created them either).
 */
export async function findOwned(client: KubeClient, o: { runId?: string; kinds: ApiResource[]; signal?: AbortSignal; unreadable?: string[] }): Promise<OwnedObject[]> {
  const out: OwnedObject[] = [];
  for (const r of [NAMESPACES, ...o.kinds.filter((k) => !k.namespaced && k.kind !== 'Namespace')]) {
    let items: Listed[];
    try {
      items = await client.list<Listed>(collectionPath(r), { labelSelector: ownerSelector(o.runId) }, o.signal);
    } catch (e) {
      // A kind whose CRD went away meanwhile has nothing left to delete.
      if (isNotFound(e)) continue;
      if (e instanceof KubeApiError && e.status === 403 && r !== NAMESPACES) {
        o.unreadable?.push(`${r.resource}${r.group ? `.${r.group}` : ''}`);
        continue;
      }
      throw e;
    }
    for (const i of items) {
      // The selector already says so; checked again because deleting the wrong thing is the one unforgivable bug here.
      if (i.metadata.labels?.[MANAGED_BY] !== 'meshbench') continue;
      out.push({ apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind, name: i.metadata.name, runId: i.metadata.labels[RUN_ID_LABEL] ?? '', uid: i.metadata.uid, path: `${collectionPath(r)}/${i.metadata.name}` });
    }
  }
  return out;
}

export interface DeleteResult {
  deleted: OwnedObject[];
  /** Still there when the bound passed (a finalizer that nobody removes, a slow namespace controller). */
  remaining: OwnedObject[];
}

/** Deletes the objects and waits, up to `timeoutMs`, until they are gone. Cluster-scoped objects go first: an App Mesh `Mesh` before its namespace. */
export async function deleteOwned(client: KubeClient, objects: OwnedObject[], o: { timeoutMs: number; signal?: AbortSignal }): Promise<DeleteResult> {
  const ordered = [...objects.filter((x) => x.kind !== 'Namespace'), ...objects.filter((x) => x.kind === 'Namespace')];
  for (const obj of ordered) {
    try {
      await client.request('DELETE', obj.path, {
        body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background', preconditions: { uid: obj.uid } },
        signal: o.signal,
      });
    } catch (e) {
      if (!isNotFound(e) && !(e instanceof Error && /Precondition failed/i.test(e.message))) throw e;
    }
  }
  const deadline = Date.now() + o.timeoutMs;
  let remaining = ordered;
  while (remaining.length > 0 && Date.now() < deadline) {
    const still: OwnedObject[] = [];
    for (const obj of remaining) {
      try {
        const cur = await client.get<Listed>(obj.path, o.signal);
        if (cur.metadata.uid === obj.uid) still.push(obj);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    remaining = still;
    if (remaining.length > 0) await sleep(Math.min(500, Math.max(0, deadline - Date.now())), undefined, o.signal ? { signal: o.signal } : {});
  }
  return { deleted: ordered.filter((x) => !remaining.includes(x)), remaining };
}

export interface CleanupOptions {
  /** One run's leftovers; without it, `all` must be true. */
  runId?: string;
  all?: boolean;
  dryRun: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface CleanupResult extends DeleteResult {
  found: OwnedObject[];
  /** Cluster-scoped kinds this identity may not list, so not searched. */
  unreadable: string[];
}

/** `bench cleanup [--run ID | --all] [--dry-run]`: lists leftovers, and unless dry, deletes them. */
export async function cleanup(client: KubeClient, o: CleanupOptions): Promise<CleanupResult> {
  if (!o.runId && !o.all) throw new RangeError('cleanup needs a run id or all: true');
  const signal = o.signal;
  const unreadable: string[] = [];
  const found = await findOwned(client, { ...(o.runId ? { runId: o.runId } : {}), kinds: await clusterScopedKinds(client, signal), unreadable, ...(signal ? { signal } : {}) });
  if (o.dryRun) return { found, deleted: [], remaining: found, unreadable };
  const result = await deleteOwned(client, found, { timeoutMs: o.timeoutMs ?? 180_000, ...(signal ? { signal } : {}) });
  return { found, ...result, unreadable };
}

/** What `bench cleanup` prints: one line per object, then what happened. */
export function formatCleanup(r: CleanupResult, dryRun: boolean): string {
  const lines = r.found.map((o) => `${o.kind.padEnd(14)} ${o.name}  (run ${o.runId || '?'})`);
  if (r.found.length === 0) lines.push('nothing labelled app.kubernetes.io/managed-by=meshbench was found');
  else if (dryRun) lines.push(`${r.found.length} object(s) would be deleted (dry run: nothing was)`);
  else lines.push(`${r.deleted.length} deleted${r.remaining.length ? `, ${r.remaining.length} still terminating: ${r.remaining.map((o) => `${o.kind}/${o.name}`).join(', ')}` : ''}`);
  if (r.unreadable.length) lines.push(`not searched (this identity may not list them): ${r.unreadable.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
