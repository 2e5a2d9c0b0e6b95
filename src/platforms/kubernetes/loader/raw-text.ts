/**
 * GET of an API path that answers plain text (pod logs, a kubelet's /metrics/resource through the
 * node proxy): KubeClient.request parses JSON only. Same authentication and same rule on errors:
 * a KubeApiError says the path, status and the server's message, never a header or credential.
 */
import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import { fetch, type Dispatcher } from 'undici';
import { KubeApiError, type KubeClient } from '../client.ts';

const REQUEST_TIMEOUT_MS = 30_000;

export async function getText(client: KubeClient, path: string, query: Record<string, string | undefined> = {}, signal?: AbortSignal): Promise<string> {
  const url = new URL(client.server.replace(/\/$/, '') + path);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
  const ctx = new RequestContext(url.toString(), HttpMethod.GET);
  try {
    await client.kc.applySecurityAuthentication(ctx);
  } catch (e) {
    throw new KubeApiError({ status: 0, reason: 'AuthenticationSetup', method: 'GET', path, message: `the credentials of context "${client.context}" could not be obtained (${e instanceof Error ? e.message.split('\n')[0] : 'unknown error'})` });
  }
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  let res: Awaited<ReturnType<typeof fetch>>;
  try {
    res = await fetch(url, { headers: { ...ctx.getHeaders(), Accept: 'text/plain, */*' }, signal: signal ? AbortSignal.any([signal, timeout]) : timeout, dispatcher: ctx.getDispatcher() as Dispatcher | undefined });
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    const code = timeout.aborted ? 'Timeout' : ((e as { cause?: { code?: string } }).cause?.code ?? 'NetworkError');
    throw new KubeApiError({ status: 0, reason: code, method: 'GET', path, message: `no answer from ${client.server} (${code})` });
  }
  const text = await res.text();
  if (res.ok) return text;
  let status: { reason?: string; message?: string } = {};
  try {
    status = JSON.parse(text) as typeof status;
  } catch {
    status = { message: text.slice(0, 200) };
  }
  throw new KubeApiError({ status: res.status, reason: status.reason ?? res.statusText, method: 'GET', path, message: status.message ?? res.statusText });
}
