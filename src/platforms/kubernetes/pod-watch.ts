/**
 * Deployment.lost on Kubernetes: a trial's pods are polled while it runs, and the signal aborts
 * when one of them goes away, fails, or a container restarts (an OOM kill, a crash, someone's
 * `kubectl delete pod`). A figure measured across a restart would mix two processes' numbers.
 */
import type { KubeClient } from './client.ts';
import type { PodLike } from './ready.ts';

export interface PodWatch {
  lost: AbortSignal;
  stop(): void;
}

const restarts = (p: PodLike): Map<string, number> =>
  new Map([...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])].map((c) => [c.name, c.restartCount ?? 0]));

/** Why a watched pod no longer counts, or null while it does. */
export function lostReason(before: PodLike, now: PodLike | undefined): string | null {
  const name = before.metadata.name;
  if (!now || now.metadata.deletionTimestamp) return `pod ${name} was deleted`;
  if (now.status?.phase === 'Failed') return `pod ${name} failed`;
  const was = restarts(before);
  for (const c of [...(now.status?.initContainerStatuses ?? []), ...(now.status?.containerStatuses ?? [])]) {
    if ((c.restartCount ?? 0) > (was.get(c.name) ?? 0)) {
      const last = c.lastState?.terminated;
      return `container ${c.name} of pod ${name} restarted${last ? ` (${last.reason ?? `exit ${last.exitCode}`})` : ''}`;
    }
  }
  return null;
}

export function watchPods(client: KubeClient, namespace: string, pods: PodLike[], o: { intervalMs?: number } = {}): PodWatch {
  const controller = new AbortController();
  const stopper = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      const now = await client.list<PodLike>(`/api/v1/namespaces/${namespace}/pods`, {}, stopper.signal);
      for (const before of pods) {
        const reason = lostReason(before, now.find((p) => p.metadata.uid === before.metadata.uid));
        if (reason) {
          controller.abort(new Error(`${reason} during the trial`));
          return;
        }
      }
    } catch {
      // A failed poll (a blip of the API server) is not a lost pod; the next one decides.
    }
    if (!stopper.signal.aborted) schedule();
  };
  // The watch must not keep the process alive on its own.
  const schedule = () => (timer = setTimeout(tick, o.intervalMs ?? 2_000)).unref();
  schedule();
  return {
    lost: controller.signal,
    stop: () => {
      stopper.abort();
      clearTimeout(timer);
    },
  };
}
