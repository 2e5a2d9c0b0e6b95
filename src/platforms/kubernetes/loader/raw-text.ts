/**
 * Plain-text GETs (pod logs, a kubelet's /metrics/resource through the node proxy) are
 * KubeClient.getText now, with the client's authentication, retries and error rules. This name
 * stays only for callers not yet moved (collectors/kubelet.ts); new code calls client.getText.
 */
import type { KubeClient } from '../client.ts';

export const getText = (client: KubeClient, path: string, query: Record<string, string | undefined> = {}, signal?: AbortSignal): Promise<string> => client.getText(path, query, signal);
