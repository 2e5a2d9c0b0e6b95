/**
 * Server-side apply of rendered objects, in render order, as field manager `meshbench`, with the
 * API server's strict field validation (an unknown field is an error, as `kubectl apply
 * --validate=strict`). Refuses any object without the run's ownership labels, so teardown and
 * cleanup can always find what was created.
 */
import type { KubernetesObject } from '../../meshes/index.ts';
import { RunError } from '../../errors.ts';
import { FIELD_MANAGER, KubeApiError, type KubeClient } from './client.ts';

export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const RUN_ID_LABEL = 'meshbench.io/run-id';

export interface ApplyOptions {
  /** `All`: the server validates and admits (webhooks included) but persists nothing. */
  dryRun?: boolean;
  signal?: AbortSignal | undefined;
  /** Called after each object is applied, so a caller can track what exists. */
  onApplied?: (o: KubernetesObject) => void;
}

export const refOf = (o: KubernetesObject): string => `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

export async function applyObjects(client: KubeClient, objects: readonly KubernetesObject[], o: ApplyOptions = {}): Promise<KubernetesObject[]> {
  for (const obj of objects) {
    const labels = obj.metadata.labels ?? {};
    if (labels[MANAGED_BY] !== 'meshbench' || !labels[RUN_ID_LABEL]) {
      // A renderer bug, not a user error: applying it would leave an object cleanup cannot find.
      throw new Error(`${refOf(obj)} lacks the ownership labels ${MANAGED_BY}=meshbench and ${RUN_ID_LABEL}`);
    }
  }
  const applied: KubernetesObject[] = [];
  for (const obj of objects) {
    o.signal?.throwIfAborted();
    try {
      const path = await client.pathOf(obj, o.signal);
      const result = await client.request<KubernetesObject>('PATCH', path, {
        query: { fieldManager: FIELD_MANAGER, force: 'true', fieldValidation: 'Strict', dryRun: o.dryRun ? 'All' : undefined },
        body: obj,
        contentType: 'application/apply-patch+yaml',
        signal: o.signal,
      });
      applied.push(result);
      o.onApplied?.(obj);
    } catch (e) {
      if (!(e instanceof KubeApiError)) throw e;
      throw new RunError({
        what: `the API server refused ${refOf(obj)}${o.dryRun ? ' (dry run)' : ''}: ${e.status ? `${e.status} ${e.reason}: ` : ''}${e.detail}`,
        where: refOf(obj),
        fix: e.status === 403 ? 'give this identity the ClusterRole of docs/kubernetes.md ("Permissions")' : e.status === 0 ? 'check that the cluster is reachable' : 'see the message: an admission webhook or policy of the cluster may refuse it',
        cause: e,
      });
    }
  }
  return applied;
}
