/**
 * The API server, as raw JSON. Authentication (client certificates, tokens, exec plugins such as
 * `aws eks get-token`, proxies) is client-node's, from the kubeconfig; requests are plain JSON so
 * that an object is sent exactly as rendered (client-node's typed serializer drops fields it does
 * not know, which would hide an unknown field from the server's strict validation).
 *
 * Errors never carry credentials: client-node's ApiException puts response headers in its message,
 * so nothing of it is passed on; a KubeApiError says the method, path, status and the server's
 * Status message only.
 */
import { STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpMethod, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { fetch, type Dispatcher } from 'undici';
import { loadKubeConfig, type ClusterAccess, type Environment } from './kubeconfig.ts';

export const FIELD_MANAGER = 'meshbench';
const REQUEST_TIMEOUT_MS = 30_000;
/** client-go's default for 429 retries is 10; a benchmark harness can give up sooner. */
const MAX_ATTEMPTS = 6;

/** A failed API call. status 0: no answer at all (unreachable, TLS, DNS). */
export class KubeApiError extends Error {
  readonly status: number;
  /** The Status reason (NotFound, Forbidden, AlreadyExists, Invalid, ...) or the network error code. */
  readonly reason: string;
  readonly method: string;
  readonly path: string;
  /** What the server (or the network) said, without method, path and status. */
  readonly detail: string;
  /** Seconds the server asked to wait before retrying (429), or null when a retry would not help. */
  readonly retryAfterS: number | null;

  constructor(o: { status: number; reason: string; method: string; path: string; message: string; retryAfterS?: number | null }) {
    super(`${o.method} ${o.path}: ${o.status ? `HTTP ${o.status} ${o.reason}: ` : ''}${o.message}`);
    this.name = 'KubeApiError';
    this.status = o.status;
    this.reason = o.reason;
    this.method = o.method;
    this.path = o.path;
    this.detail = o.message;
    this.retryAfterS = o.retryAfterS ?? null;
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof KubeApiError && e.status === 404;

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal | undefined;
  /** Return the body as text (pod logs, a kubelet's metrics through the node proxy), not parsed JSON. */
  text?: boolean;
  /** Told the answer's Date header (the answering server's clock, whole seconds), when it has one. */
  onDate?: (dateMs: number) => void;
}

/** One API resource as discovery describes it. */
export interface ApiResource {
  group: string;
  version: string;
  kind: string;
  /** The plural name in URLs, e.g. `deployments`. */
  resource: string;
  namespaced: boolean;
  verbs: string[];
}

interface ResourceList {
  groupVersion: string;
  resources: { name: string; kind: string; namespaced: boolean; verbs: string[] }[];
}

export interface ListResult<T> {
  items: T[];
  metadata?: { continue?: string };
}

export class KubeClient {
  readonly kc: KubeConfig;
  /** The API server's address, for requests. */
  private readonly serverUrl: string;
  /** The API server's address without any user:password in it, for messages. */
  readonly server: string;
  readonly context: string;
  readonly source: string;
  private readonly discovery = new Map<string, Promise<ResourceList | null>>();

  constructor(kc: KubeConfig, source = 'kubeconfig') {
    this.kc = kc;
    this.serverUrl = kc.getCurrentCluster()?.server ?? '';
    this.server = withoutUserInfo(this.serverUrl);
    this.context = kc.getCurrentContext();
    this.source = source;
  }

  static fromAccess(access: ClusterAccess = {}, env: Environment = process.env, inClusterRoot = ''): KubeClient {
    const loaded = loadKubeConfig(access, env, inClusterRoot);
    return new KubeClient(loaded.kc, loaded.source);
  }

  /**
   * One call. A 429 with Retry-After (a CRD's storage still initializing, API priority and
   * fairness shedding load) is retried as client-go does: the server did not process the request.
   */
  async request<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.requestOnce<T>(method, path, o);
      } catch (e) {
        if (!(e instanceof KubeApiError) || e.retryAfterS === null || attempt >= MAX_ATTEMPTS) throw e;
        await sleep(Math.min(e.retryAfterS, 5) * 1000, undefined, o.signal ? { signal: o.signal } : {});
      }
    }
  }

  private async requestOnce<T>(method: string, path: string, o: RequestOptions): Promise<T> {
    // The server may carry a path prefix (Rancher, some proxies): keep it.
    const url = new URL(this.serverUrl.replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const ctx = new RequestContext(url.toString(), method as HttpMethod);
    try {
      await this.kc.applySecurityAuthentication(ctx);
    } catch (e) {
      // An exec plugin or token file failed; its message names the plugin, not a secret.
      // A plugin's stderr says why (an expired SSO session, `aws` not on PATH): its last lines, trimmed.
      const said = e instanceof Error ? e.message.trim().split('\n').map((l) => l.trim()).filter(Boolean).slice(-3).join(' / ').slice(0, 400) : '';
      throw new KubeApiError({ status: 0, reason: 'AuthenticationSetup', method, path, message: `the credentials of context "${this.context}" could not be obtained (${said || 'unknown error'})` });
    }
    const headers: Record<string, string> = { ...ctx.getHeaders(), Accept: o.text ? 'text/plain, */*' : 'application/json' };
    if (o.body !== undefined) headers['Content-Type'] = o.contentType ?? 'application/json';
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    let res: Awaited<ReturnType<typeof fetch>>;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
        signal: o.signal ? AbortSignal.any([o.signal, timeout]) : timeout,
        dispatcher: ctx.getDispatcher() as Dispatcher | undefined,
      });
    } catch (e) {
      if (o.signal?.aborted) throw o.signal.reason;
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const code = timeout.aborted ? 'Timeout' : (cause?.code ?? 'NetworkError');
      throw new KubeApiError({ status: 0, reason: code, method, path, message: `no answer from ${this.server} (${code}${cause?.message && !cause.code ? `: ${cause.message}` : ''})` });
    }
    const date = res.headers.get('date');
    if (date && o.onDate) o.onDate(Date.parse(date));
    const text = await res.text();
    if (res.ok) return (o.text ? text : text ? JSON.parse(text) : {}) as T;
    let status: { reason?: string; message?: string } = {};
    try {
      status = JSON.parse(text) as typeof status;
    } catch {
      status = { message: text.slice(0, 200) };
    }
    // HTTP/2 has no reason phrase: fall back to the standard one.
    const reason = status.reason || res.statusText || STATUS_CODES[res.status] || 'Error';
    const retryAfter = res.headers.get('retry-after');
    const retryAfterS = res.status === 429 ? Math.max(1, Number(retryAfter) || 1) : null;
    throw new KubeApiError({ status: res.status, reason, method, path, message: status.message || reason, retryAfterS });
  }

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, { signal });
  }

  /** GET of a path that answers plain text, with the same authentication, retries and error rules. */
  getText(path: string, query: Record<string, string | undefined> = {}, signal?: AbortSignal): Promise<string> {
    return this.request<string>('GET', path, { query, signal, text: true });
  }

  /** Every item of a list, following `continue` tokens (bounded: 50 pages of 500). */
  async list<T>(path: string, query: Record<string, string | undefined> = {}, signal?: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    let cont: string | undefined;
    for (let page = 0; page < 50; page++) {
      const r = await this.request<ListResult<T>>('GET', path, { query: { ...query, limit: '500', continue: cont }, signal });
      items.push(...r.items);
      cont = r.metadata?.continue || undefined;
      if (!cont) break;
    }
    return items;
  }

  /** The resources of one group/version, or null when the API server does not serve it. */
  resources(apiVersion: string, signal?: AbortSignal): Promise<ResourceList | null> {
    let p = this.discovery.get(apiVersion);
    if (!p) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      p = this.get<ResourceList>(path, signal).catch((e: unknown) => {
        this.discovery.delete(apiVersion);
        if (isNotFound(e)) return null;
        throw e;
      });
      this.discovery.set(apiVersion, p);
    }
    return p;
  }

  /** What discovery says of a kind, or null when it is not served (a CRD not installed). */
  async resourceFor(apiVersion: string, kind: string, signal?: AbortSignal): Promise<ApiResource | null> {
    const list = await this.resources(apiVersion, signal);
    const r = list?.resources.find((x) => x.kind === kind && !x.name.includes('/'));
    if (!r) return null;
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') as [string, string] : ['', apiVersion];
    return { group, version, kind, resource: r.name, namespaced: r.namespaced, verbs: r.verbs };
  }

  /** Forget discovery, after CRDs were installed or removed. */
  forgetDiscovery(): void {
    this.discovery.clear();
  }

  /** The URL path of one object, or of the collection when `name` is omitted. */
  async pathOf(o: { apiVersion: string; kind: string; metadata: { name?: string; namespace?: string | undefined } }, signal?: AbortSignal): Promise<string> {
    const r = await this.resourceFor(o.apiVersion, o.kind, signal);
    if (!r) throw new KubeApiError({ status: 404, reason: 'NotServed', method: 'GET', path: `/apis/${o.apiVersion}`, message: `${o.kind} (${o.apiVersion}) is not served by this cluster: its CRD is not installed` });
    return collectionPath(r, o.metadata.namespace) + (o.metadata.name ? `/${o.metadata.name}` : '');
  }
}

export function collectionPath(r: ApiResource, namespace?: string): string {
  const root = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return r.namespaced && namespace ? `${root}/namespaces/${namespace}/${r.resource}` : `${root}/${r.resource}`;
}

function withoutUserInfo(server: string): string {
  try {
    const u = new URL(server);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(an invalid server address)';
  }
}
